// SPDX-License-Identifier: GPL-2.0
// Which socket() calls become AF_SMC: IPv4 and IPv6 stream sockets of TCP (protocol 0
// or IPPROTO_TCP), as smc-tools' smc_run does. Used by smc-traffic for its own AF_SMC
// sockets and by the preload library for other programs'. Everything else (UDP, UNIX,
// SCTP, MPTCP, raw, AF_SMC itself) is left alone; SOCK_NONBLOCK and SOCK_CLOEXEC stay.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <optional>

#ifndef AF_SMC
#define AF_SMC 43
#endif

namespace smcscale {

struct SocketArgs {
	int domain;
	int type;
	int protocol;
};

inline std::optional<SocketArgs> smc_socket_args(int domain, int type, int protocol)
{
	// SMCPROTO_SMC and SMCPROTO_SMC6 of net/smc/smc.h: the IP version of the
	// internal TCP socket SMC uses for its handshake and for fallback.
	constexpr int kSmcProtoIpv4 = 0, kSmcProtoIpv6 = 1;

	if (domain != AF_INET && domain != AF_INET6)
		return std::nullopt;
	if ((type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != SOCK_STREAM)
		return std::nullopt;
	if (protocol != 0 && protocol != IPPROTO_TCP)
		return std::nullopt;
	return SocketArgs{AF_SMC, type, domain == AF_INET6 ? kSmcProtoIpv6 : kSmcProtoIpv4};
}

} // namespace smcscale
