// SPDX-License-Identifier: GPL-2.0
#include "smc_types.hpp"

#include <cstdio>

namespace smcscale {

std::string fallback_reason_name(uint32_t code)
{
	// Meanings of the SMC_CLC_DECL_* codes of net/smc/smc_clc.h, in our words.
	switch (code) {
	case 0x01010000: return "out of memory";
	case 0x02010000: return "timeout waiting for CONFIRM LINK";
	case 0x02020000: return "timeout waiting for ADD LINK";
	case 0x03000000: return "configuration error";
	case 0x03010000: return "peer does not offer SMC";
	case 0x03020000: return "IPsec in use";
	case 0x03030000: return "no SMC device";
	case 0x03030001: return "no SMC-D device";
	case 0x03030002: return "no SMC-R device";
	case 0x03030003: return "no ISMv2 support";
	case 0x03030004: return "peer sent no CLC v2 extension";
	case 0x03030005: return "peer sent no SMC-Dv2 extension";
	case 0x03030006: return "peer sent no SEID";
	case 0x03030007: return "no SMC-Dv2 device";
	case 0x03030008: return "peer sent no UEID";
	case 0x03040000: return "SMC modes do not match";
	case 0x03050000: return "peer has eyecatcher in RMBE";
	case 0x03060000: return "socket option not supported (fastopen)";
	case 0x03070000: return "IP prefix mismatch";
	case 0x03080000: return "cannot get VLAN id";
	case 0x03090000: return "cannot register VLAN id on ISM";
	case 0x030a0000: return "no active link in link group";
	case 0x030b0000: return "server's link not found";
	case 0x030c0000: return "SMC version mismatch";
	case 0x030d0000: return "SMC-D DMB limit reached";
	case 0x030e0000: return "SMC-Rv2: no route to peer";
	case 0x030f0000: return "SMC-Rv2: direct/indirect mismatch";
	case 0x04000000: return "synchronization error";
	case 0x05000000: return "peer declined during handshake";
	case 0x09990000: return "internal error";
	case 0x09990001: return "rtoken handling failed";
	case 0x09990002: return "readying the link failed";
	case 0x09990003: return "registering RDMA buffers failed";
	default: {
		char buf[32];
		std::snprintf(buf, sizeof(buf), "reason 0x%08x", code);
		return buf;
	}
	}
}

} // namespace smcscale
