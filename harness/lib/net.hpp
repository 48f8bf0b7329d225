// SPDX-License-Identifier: GPL-2.0
// Sockets of the traffic tool: AF_SMC or plain TCP over the same IPv4/IPv6 address.
#pragma once

#include "fd.hpp"
#include "smc_socket_rules.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <string>

namespace smcscale {

enum class SocketFamily { smc, tcp };

struct Endpoint {
	sockaddr_storage addr{};
	socklen_t len = 0;
	std::string text; // "host:port" as given
};

// Numeric IPv4 or IPv6 address (no name lookup: the testbed has no resolver).
Endpoint parse_endpoint(const std::string &host, uint16_t port);

// A non-blocking, close-on-exec stream socket: AF_SMC with the SMCPROTO of the
// address family, or TCP.
UniqueFd open_stream_socket(SocketFamily family, const Endpoint &ep);

const char *family_name(SocketFamily family);

} // namespace smcscale
