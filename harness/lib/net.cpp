// SPDX-License-Identifier: GPL-2.0
#include "net.hpp"

#include "error.hpp"

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>

namespace smcscale {

Endpoint parse_endpoint(const std::string &host, uint16_t port)
{
	Endpoint ep;
	ep.text = host + ":" + std::to_string(port);
	auto *v4 = reinterpret_cast<sockaddr_in *>(&ep.addr);
	auto *v6 = reinterpret_cast<sockaddr_in6 *>(&ep.addr);
	if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		ep.len = sizeof(*v4);
	} else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		ep.len = sizeof(*v6);
	} else {
		throw Error("'" + host + "' is not a numeric IPv4 or IPv6 address");
	}
	return ep;
}

UniqueFd open_stream_socket(SocketFamily family, const Endpoint &ep)
{
	SocketArgs args{ep.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0};
	if (family == SocketFamily::smc)
		args = *smc_socket_args(args.domain, args.type, args.protocol); // an IP stream socket
	const int fd = ::socket(args.domain, args.type, args.protocol);
	if (fd < 0) {
		int err = errno;
		if (family == SocketFamily::smc && (err == EAFNOSUPPORT || err == EINVAL))
			throw Error(errno_message("socket(AF_SMC)", err) +
				    " (is the smc module loaded?)");
		throw_errno(std::string("socket(") + family_name(family) + ")", err);
	}
	return UniqueFd(fd);
}

const char *family_name(SocketFamily family)
{
	return family == SocketFamily::smc ? "smc" : "tcp";
}

} // namespace smcscale
