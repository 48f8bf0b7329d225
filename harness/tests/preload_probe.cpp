// SPDX-License-Identifier: GPL-2.0
// Helper of preload_test and the guest tests: creates sockets from many threads at once
// and prints, per socket, its family (SO_DOMAIN) or the errno of a failed socket(); with
// --buffers, one TCP socket's SO_SNDBUF and SO_RCVBUF instead.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char **argv)
{
	if (argc > 1 && std::string(argv[1]) == "--buffers") {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0) {
			std::printf("errno=%d\n", errno);
			return 1;
		}
		int domain = 0, sndbuf = 0, rcvbuf = 0;
		socklen_t len = sizeof(int);
		getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len);
		getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len);
		getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len);
		std::printf("domain=%d sndbuf=%d rcvbuf=%d\n", domain, sndbuf, rcvbuf);
		close(fd);
		return 0;
	}
	struct Case {
		const char *name;
		int domain, type, protocol;
	} cases[] = {
		{"tcp4", AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0},
		{"tcp6", AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_TCP},
		{"udp4", AF_INET, SOCK_DGRAM, 0},
		{"unix", AF_UNIX, SOCK_STREAM, 0},
	};
	for (const Case &c : cases) {
		// Eight threads race their first socket() calls.
		std::vector<int> results(8);
		std::vector<std::thread> threads;
		for (int t = 0; t < 8; t++)
			threads.emplace_back([&, t] {
				int fd = socket(c.domain, c.type, c.protocol);
				if (fd < 0) {
					results[t] = -errno;
					return;
				}
				int domain = 0;
				socklen_t len = sizeof(domain);
				getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len);
				const bool cloexec = fcntl(fd, F_GETFD) & FD_CLOEXEC;
				const bool nonblock = fcntl(fd, F_GETFL) & O_NONBLOCK;
				results[t] = domain * 4 + cloexec * 2 + nonblock;
				close(fd);
			});
		for (auto &t : threads)
			t.join();
		for (int r : results) {
			if (r < 0)
				std::printf("%s errno=%d\n", c.name, -r);
			else
				std::printf("%s domain=%d cloexec=%d nonblock=%d\n", c.name, r / 4, (r / 2) % 2, r % 2);
		}
	}
	return 0;
}
