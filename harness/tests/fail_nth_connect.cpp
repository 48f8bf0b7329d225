// SPDX-License-Identifier: GPL-2.0
// Helper of scripts/fault-sweep, run in a guest whose kernel has CONFIG_FAULT_INJECTION:
// one AF_SMC connection whose blocking connect() runs with the N-th fault-injectable
// call of this thread failing (/proc/thread-self/fail-nth; with failslab set to fail
// sleeping allocations too, every slab allocation is such a call). A blocking connect
// does SMC's whole handshake in this thread: the CLC exchange, and for a new link group
// the link, its QP and CQ binding and the LLC confirmation. If connect() succeeds, one
// request/response exchange with an smc-traffic server follows, every byte verified.
// Prints one line:
//   injected=yes|no connect=ok|<errno name> exchange=ok|none|<what failed>
// Exit 0 for the outcomes SMC promises (connected and the exchange verified, or connect
// failed with an error), 1 when a connected socket failed the exchange, 2 on bad usage
// or when the test itself cannot run.
#include "fd.hpp"
#include "net.hpp"
#include "payload.hpp"
#include "traffic_protocol.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

using namespace smcscale;

namespace {

constexpr uint32_t kMessageSize = 64;

// Calls io(offset, left) until len bytes are done; false on an error or the peer's EOF.
template <typename Io> bool transfer_all(size_t len, Io io)
{
	size_t done = 0;
	while (done < len) {
		const ssize_t n = io(done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += static_cast<size_t>(n);
	}
	return true;
}

// errno's name, or "eof" when a call ended without setting one
std::string errno_or_eof()
{
	const char *name = errno ? strerrorname_np(errno) : nullptr;
	return name ? name : "eof";
}

// The exchange smc-traffic's rr mode does, once: Hello and a request, the response back.
std::string exchange(int fd, uint64_t seed)
{
	Hello hello;
	hello.request_size = kMessageSize;
	hello.response_size = kMessageSize;
	hello.seed = seed;
	std::array<uint8_t, Hello::kSize + kMessageSize> out{};
	const auto header = hello.encode();
	std::memcpy(out.data(), header.data(), header.size());
	PayloadStream(stream_key(seed, 0, Direction::request)).fill(out.data() + Hello::kSize, kMessageSize);
	errno = 0;
	if (!transfer_all(out.size(), [&](size_t at, size_t left) {
		    return ::send(fd, out.data() + at, left, MSG_NOSIGNAL);
	    }))
		return "send:" + errno_or_eof();
	std::array<uint8_t, kMessageSize> in{};
	errno = 0;
	if (!transfer_all(in.size(), [&](size_t at, size_t left) { return ::recv(fd, in.data() + at, left, 0); }))
		return "recv:" + errno_or_eof();
	PayloadStream expect(stream_key(seed, 0, Direction::response));
	if (expect.verify(in.data(), in.size()) != in.size())
		return "corrupt";
	return "ok";
}

int usage()
{
	std::fprintf(stderr, "usage: fail_nth_connect HOST PORT N  (N >= 1: the call that fails)\n");
	return 2;
}

} // namespace

int main(int argc, char **argv)
try {
	if (argc != 4)
		return usage();
	const unsigned long port = std::stoul(argv[2]);
	const unsigned long nth = std::stoul(argv[3]);
	if (port == 0 || port > 65535 || nth == 0)
		return usage();
	const Endpoint ep = parse_endpoint(argv[1], static_cast<uint16_t>(port));

	// Opened before the count starts: opening a file allocates too.
	UniqueFd fail_nth(::open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC));
	if (!fail_nth) {
		std::fprintf(stderr, "fail_nth_connect: /proc/thread-self/fail-nth: %s (no CONFIG_FAULT_INJECTION?)\n",
			     std::strerror(errno));
		return 2;
	}
	UniqueFd sock = open_stream_socket(SocketFamily::smc, ep);
	// open_stream_socket's socket is non-blocking; SMC does the handshake in the
	// caller's thread only for a blocking connect.
	if (::fcntl(sock.get(), F_SETFL, 0) < 0) {
		std::fprintf(stderr, "fail_nth_connect: fcntl: %s\n", std::strerror(errno));
		return 2;
	}
	const std::string count = std::to_string(nth);
	if (::pwrite(fail_nth.get(), count.data(), count.size(), 0) != static_cast<ssize_t>(count.size())) {
		std::fprintf(stderr, "fail_nth_connect: writing fail-nth: %s\n", std::strerror(errno));
		return 2;
	}
	const int rc = ::connect(sock.get(), reinterpret_cast<const sockaddr *>(&ep.addr), ep.len);
	const int connect_errno = rc < 0 ? errno : 0;
	// "0" once the fault was injected, the calls still to go otherwise
	char left[32] = {};
	const ssize_t n = ::pread(fail_nth.get(), left, sizeof(left) - 1, 0);
	const bool injected = n > 0 && std::stoul(std::string(left, static_cast<size_t>(n))) == 0;
	if (!injected)
		(void)::pwrite(fail_nth.get(), "0", 1, 0); // no fault left armed for what follows

	const std::string result = rc < 0 ? "none" : exchange(sock.get(), nth);
	std::printf("injected=%s connect=%s exchange=%s\n", injected ? "yes" : "no",
		    rc < 0 ? strerrorname_np(connect_errno) : "ok", result.c_str());
	return rc < 0 || result == "ok" ? 0 : 1;
} catch (const std::exception &e) {
	std::fprintf(stderr, "fail_nth_connect: %s\n", e.what());
	return 2;
}
