// SPDX-License-Identifier: GPL-2.0
// libsmc-preload.so: LD_PRELOAD library that creates a program's TCP sockets as AF_SMC
// (see smc_socket_rules.hpp). Used through the smc-run wrapper.
//
// Limits: only calls that go through the dynamic symbol socket() are seen, so static
// binaries and raw syscall(SYS_socket) are untouched; sockets inherited from a parent
// or passed over UNIX sockets keep their family. SMC itself falls back to TCP when the
// peer or a socket option does not allow SMC (TCP_FASTOPEN, for example).
#include "../lib/smc_socket_rules.hpp"

#include <dlfcn.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace {

using SocketFn = int (*)(int, int, int);

SocketFn real_socket()
{
	// A function-local static is initialised exactly once even when many threads
	// make their first socket() call at the same time.
	static const SocketFn fn = reinterpret_cast<SocketFn>(dlsym(RTLD_NEXT, "socket"));
	return fn;
}

bool debug()
{
	static const bool on = [] {
		const char *v = std::getenv("SMC_PRELOAD_DEBUG");
		return v && *v && *v != '0';
	}();
	return on;
}

} // namespace

extern "C" __attribute__((visibility("default"))) int socket(int domain, int type, int protocol)
{
	SocketFn fn = real_socket();
	if (!fn) {
		errno = ENOSYS;
		return -1;
	}
	if (auto smc = smcscale::smc_socket_args(domain, type, protocol)) {
		int fd = fn(smc->domain, smc->type, smc->protocol);
		if (debug()) {
			const int saved = errno;
			std::fprintf(stderr, "smc-preload: socket(%d, %#x, %d) -> AF_SMC: %d\n", domain, type,
				     protocol, fd);
			errno = saved;
		}
		return fd;
	}
	return fn(domain, type, protocol);
}
