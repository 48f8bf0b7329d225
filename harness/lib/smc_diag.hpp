// SPDX-License-Identifier: GPL-2.0
// SMC sockets as smc_diag reports them over NETLINK_SOCK_DIAG (what smc-tools' smcss
// shows): state, addresses, and whether the connection really uses SMC-R or fell back
// to TCP, with the reason.
#pragma once

#include "genl_socket.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace smcscale {

enum class SmcMode { smcr, smcd, fallback_tcp, unknown };

struct SmcSocket {
	uint8_t family = 0; // AF_INET or AF_INET6 of the connection
	uint8_t state = 0;  // TCP states, as net/smc keeps them (SMC_ACTIVE = TCP_ESTABLISHED, ...)
	SmcMode mode = SmcMode::unknown;
	std::string local;  // "address:port"
	std::string peer;
	uint32_t ifindex = 0;
	uint32_t uid = 0;
	uint64_t inode = 0;
	// SMC_DIAG_FALLBACK: why a socket fell back (0 while it did not)
	uint32_t fallback_reason = 0;
	uint32_t peer_diagnosis = 0;
	// SMC_DIAG_LGRINFO, for SMC-R connections
	std::optional<uint8_t> lgr_role; // 0 client, 1 server
	std::string ib_device;
	uint8_t ib_port = 0;
	uint8_t link_id = 0;
	std::string gid, peer_gid;
	// SMC_DIAG_CONNINFO
	std::optional<uint32_t> token;
	uint32_t sndbuf = 0, rmbe = 0, peer_rmbe = 0;
};

// "SMCR", "SMCD", "TCP" (smcss's words) or "?".
std::string smc_mode_name(SmcMode mode);
// smcss's state words: ACTIVE, LISTEN, CLOSED, APPCLW1, ...
std::string smc_state_name(uint8_t state);

// The request that dump_smc_sockets() sends, and the parser of one reply: exposed for
// tests and fuzzing.
NetlinkMessage build_smc_diag_request();
SmcSocket parse_smc_diag_message(const NetlinkMessage &msg);

// Every SMC socket of this network namespace. Throws Error naming the cause (no smc_diag
// module, for example).
std::vector<SmcSocket> dump_smc_sockets();

} // namespace smcscale
