// SPDX-License-Identifier: GPL-2.0
// libsmcscale-preload.so: LD_PRELOAD library that creates a program's TCP sockets as
// AF_SMC (see smc_socket_rules.hpp), with smc-tools' environment: SMC_DEBUG=1 logs
// each converted socket, SMC_SNDBUF and SMC_RCVBUF (bytes, k or m suffix) set the
// buffer sizes of each converted socket. Used through the smcscale-run wrapper; named
// so that it cannot collide with smc-tools' libsmc-preload.so.
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
#include <optional>

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
		const char *v = std::getenv("SMC_DEBUG");
		return v && *v && *v != '0';
	}();
	return on;
}

// A buffer size from the environment as smc_run writes it ("512k"); nullopt when
// unset, and a warning (once) when malformed.
std::optional<int> size_from_env(const char *name)
{
	const char *v = std::getenv(name);
	if (!v || !*v)
		return std::nullopt;
	char *end = nullptr;
	errno = 0;
	unsigned long long n = std::strtoull(v, &end, 10);
	unsigned long long scale = 1;
	if (*end == 'k' || *end == 'K')
		scale = 1024, end++;
	else if (*end == 'm' || *end == 'M')
		scale = 1024 * 1024, end++;
	if (end == v || *end || errno || *v == '-' || n > (1ULL << 31) / scale) {
		std::fprintf(stderr, "libsmcscale-preload: ignoring %s='%s': not a size (bytes, k or m)\n", name, v);
		return std::nullopt;
	}
	return static_cast<int>(n * scale);
}

void set_buffer(int fd, int option, const char *option_name, const std::optional<int> &size)
{
	if (!size)
		return;
	const int value = *size;
	const int rc = setsockopt(fd, SOL_SOCKET, option, &value, sizeof(value));
	if (debug())
		std::fprintf(stderr, "libsmcscale-preload: %s %d on fd %d: %s\n", option_name, value, fd,
			     rc ? "failed" : "set");
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
		const int saved = errno;
		if (debug())
			std::fprintf(stderr, "libsmcscale-preload: socket(%d, %#x, %d) -> AF_SMC: %d\n", domain, type,
				     protocol, fd);
		if (fd >= 0) {
			static const std::optional<int> sndbuf = size_from_env("SMC_SNDBUF");
			static const std::optional<int> rcvbuf = size_from_env("SMC_RCVBUF");
			set_buffer(fd, SO_SNDBUF, "SO_SNDBUF", sndbuf);
			set_buffer(fd, SO_RCVBUF, "SO_RCVBUF", rcvbuf);
		}
		errno = saved;
		return fd;
	}
	return fn(domain, type, protocol);
}
