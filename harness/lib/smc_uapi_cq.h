/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The netlink command and attributes that net-smc-patches/ appends to
 * include/uapi/linux/smc.h ("net/smc: report the cqs of a device and of each link over
 * netlink"). The system's <linux/smc.h> is the stock 6.1 one and lacks them; the values
 * follow from appending, which the static_asserts pin to the stock enums they extend.
 */
#pragma once

#include <linux/smc.h>

static_assert(SMC_NETLINK_DISABLE_HS_LIMITATION == 18, "stock SMC_NETLINK_* changed");
static_assert(SMC_GEN_FBACK_STATS == 8, "stock SMC_GEN_* changed");
static_assert(SMC_NLA_DEV_IB_NAME == 10, "stock SMC_NLA_DEV_* changed");
static_assert(SMC_NLA_LINK_STATE == 10, "stock SMC_NLA_LINK_* changed");

/* appended to the SMC_GENL_FAMILY commands: one message per cq of every device */
#define SMC_NETLINK_GET_CQ_SMCR		19
/* appended to the SMC_GENL_FAMILY top level attributes */
#define SMC_GEN_CQ_SMCR			9	/* nest */
#define SMC_GEN_MAX_WITH_CQS		9

/* appended to the SMC_GEN_DEV_SMCR attributes */
#define SMC_NLA_DEV_COMP_VECTORS	11	/* u32: completion vectors of dev */
#define SMC_NLA_DEV_CQ_CNT		12	/* u32: # of send/recv cq pairs */
#define SMC_NLA_DEV_MAX_WITH_CQS	12

/* SMC_GEN_CQ_SMCR attributes */
#define SMC_NLA_CQ_IB_NAME		1	/* string: the cq's device */
#define SMC_NLA_CQ_DIR			2	/* u32: SMC_CQ_DIR_SEND|RECV */
#define SMC_NLA_CQ_INDEX		3	/* u32: in its direction's array */
#define SMC_NLA_CQ_VECTOR		4	/* u32: completion vector */
#define SMC_NLA_CQ_ENTRIES		5	/* u32: size of the cq */
#define SMC_NLA_CQ_RESERVED		6	/* u32: entries kept for its links */
#define SMC_NLA_CQ_LNK_CNT		7	/* u32: # of links using the cq */
#define SMC_NLA_CQ_COMPL_CNT		8	/* u64: completions handled */
#define SMC_NLA_CQ_PAD			9
#define SMC_NLA_CQ_MAX			9

#define SMC_CQ_DIR_SEND			0
#define SMC_CQ_DIR_RECV			1

/* appended to the SMC_GEN_LINK_SMCR attributes */
#define SMC_NLA_LINK_SEND_CQ		11	/* u32: index of the send cq */
#define SMC_NLA_LINK_RECV_CQ		12	/* u32: index of the recv cq */
#define SMC_NLA_LINK_QPN		13	/* u32: the link's QP number */
#define SMC_NLA_LINK_PEER_QPN		14	/* u32: the peer's QP number */
#define SMC_NLA_LINK_MAX_WITH_CQS	14
