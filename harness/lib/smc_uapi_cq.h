/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The netlink attributes that net-smc-patches/ appends to include/uapi/linux/smc.h
 * ("net/smc: report the cqs of a device and of each link over netlink"). The system's
 * <linux/smc.h> is the stock 6.1 one and lacks them; the values follow from appending,
 * which the static_asserts pin to the stock enums they extend.
 */
#pragma once

#include <linux/smc.h>

static_assert(SMC_NLA_DEV_IB_NAME == 10, "stock SMC_NLA_DEV_* changed");
static_assert(SMC_NLA_LINK_STATE == 10, "stock SMC_NLA_LINK_* changed");

/* appended to the SMC_GEN_DEV_SMCR attributes */
#define SMC_NLA_DEV_COMP_VECTORS	11	/* u32: completion vectors of dev */
#define SMC_NLA_DEV_CQ_CNT		12	/* u32: # of send/recv cq pairs */
#define SMC_NLA_DEV_CQS			13	/* nest of SMC_NLA_DEV_CQS_ENTRY */
#define SMC_NLA_DEV_MAX_WITH_CQS	13

/* SMC_NLA_DEV_CQS nested attributes */
#define SMC_NLA_DEV_CQS_ENTRY		1	/* nest: one cq */

/* SMC_NLA_DEV_CQS_ENTRY nested attributes */
#define SMC_NLA_CQ_DIR			1	/* u8: SMC_CQ_DIR_SEND|RECV */
#define SMC_NLA_CQ_INDEX		2	/* u32 */
#define SMC_NLA_CQ_VECTOR		3	/* u32 */
#define SMC_NLA_CQ_ENTRIES		4	/* u32 */
#define SMC_NLA_CQ_LOAD			5	/* u32: links using the cq */
#define SMC_NLA_CQ_COMPLETIONS		6	/* u64 */
#define SMC_NLA_CQ_TASKLET_RUNS		7	/* u64 */
#define SMC_NLA_CQ_BUDGET_HITS		8	/* u64 */
#define SMC_NLA_CQ_PAD			9
#define SMC_NLA_CQ_RESERVED		10	/* u32: entries kept for its links */
#define SMC_NLA_CQ_MAX			10

#define SMC_CQ_DIR_SEND			0
#define SMC_CQ_DIR_RECV			1

/* appended to the SMC_GEN_LINK_SMCR attributes */
#define SMC_NLA_LINK_SEND_CQ		11	/* u32: index of the send cq */
#define SMC_NLA_LINK_RECV_CQ		12	/* u32: index of the recv cq */
#define SMC_NLA_LINK_MAX_WITH_CQS	12
