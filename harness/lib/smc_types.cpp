// SPDX-License-Identifier: GPL-2.0
#include "smc_types.hpp"

#include <cstdio>

namespace smcscale {

namespace {

struct DeclineReason {
	uint32_t code;
	const char *id;	   // the macro in net/smc/smc_clc.h
	const char *words; // what it means, in our words
};

// The SMC_CLC_DECL_* codes of net/smc/smc_clc.h.
constexpr DeclineReason kDeclineReasons[] = {
	{0x01010000, "SMC_CLC_DECL_MEM", "out of memory"},
	{0x02010000, "SMC_CLC_DECL_TIMEOUT_CL", "timeout waiting for CONFIRM LINK"},
	{0x02020000, "SMC_CLC_DECL_TIMEOUT_AL", "timeout waiting for ADD LINK"},
	{0x03000000, "SMC_CLC_DECL_CNFERR", "configuration error"},
	{0x03010000, "SMC_CLC_DECL_PEERNOSMC", "peer does not offer SMC"},
	{0x03020000, "SMC_CLC_DECL_IPSEC", "IPsec in use"},
	{0x03030000, "SMC_CLC_DECL_NOSMCDEV", "no SMC device"},
	{0x03030001, "SMC_CLC_DECL_NOSMCDDEV", "no SMC-D device"},
	{0x03030002, "SMC_CLC_DECL_NOSMCRDEV", "no SMC-R device"},
	{0x03030003, "SMC_CLC_DECL_NOISM2SUPP", "no ISMv2 support"},
	{0x03030004, "SMC_CLC_DECL_NOV2EXT", "peer sent no CLC v2 extension"},
	{0x03030005, "SMC_CLC_DECL_NOV2DEXT", "peer sent no SMC-Dv2 extension"},
	{0x03030006, "SMC_CLC_DECL_NOSEID", "peer sent no SEID"},
	{0x03030007, "SMC_CLC_DECL_NOSMCD2DEV", "no SMC-Dv2 device"},
	{0x03030008, "SMC_CLC_DECL_NOUEID", "peer sent no UEID"},
	{0x03040000, "SMC_CLC_DECL_MODEUNSUPP", "SMC modes do not match"},
	{0x03050000, "SMC_CLC_DECL_RMBE_EC", "peer has eyecatcher in RMBE"},
	{0x03060000, "SMC_CLC_DECL_OPTUNSUPP", "socket option not supported (fastopen)"},
	{0x03070000, "SMC_CLC_DECL_DIFFPREFIX", "IP prefix mismatch"},
	{0x03080000, "SMC_CLC_DECL_GETVLANERR", "cannot get VLAN id"},
	{0x03090000, "SMC_CLC_DECL_ISMVLANERR", "cannot register VLAN id on ISM"},
	{0x030a0000, "SMC_CLC_DECL_NOACTLINK", "no active link in link group"},
	{0x030b0000, "SMC_CLC_DECL_NOSRVLINK", "server's link not found"},
	{0x030c0000, "SMC_CLC_DECL_VERSMISMAT", "SMC version mismatch"},
	{0x030d0000, "SMC_CLC_DECL_MAX_DMB", "SMC-D DMB limit reached"},
	{0x030e0000, "SMC_CLC_DECL_NOROUTE", "SMC-Rv2: no route to peer"},
	{0x030f0000, "SMC_CLC_DECL_NOINDIRECT", "SMC-Rv2: direct/indirect mismatch"},
	{0x04000000, "SMC_CLC_DECL_SYNCERR", "synchronization error"},
	{0x05000000, "SMC_CLC_DECL_PEERDECL", "peer declined during handshake"},
	{0x09990000, "SMC_CLC_DECL_INTERR", "internal error"},
	{0x09990001, "SMC_CLC_DECL_ERR_RTOK", "rtoken handling failed"},
	{0x09990002, "SMC_CLC_DECL_ERR_RDYLNK", "readying the link failed"},
	{0x09990003, "SMC_CLC_DECL_ERR_REGBUF", "registering RDMA buffers failed"},
};

const DeclineReason *find_reason(uint32_t code)
{
	for (const DeclineReason &r : kDeclineReasons)
		if (r.code == code)
			return &r;
	return nullptr;
}

} // namespace

std::string fallback_reason_name(uint32_t code)
{
	if (const DeclineReason *r = find_reason(code))
		return r->words;
	char buf[32];
	std::snprintf(buf, sizeof(buf), "reason 0x%08x", code);
	return buf;
}

std::string fallback_reason_id(uint32_t code)
{
	if (const DeclineReason *r = find_reason(code))
		return r->id;
	char buf[32];
	std::snprintf(buf, sizeof(buf), "0x%08x", code);
	return buf;
}

} // namespace smcscale
