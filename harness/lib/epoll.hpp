// SPDX-License-Identifier: GPL-2.0
// A thin owner of an epoll instance whose events carry a 64-bit token.
#pragma once

#include "fd.hpp"

#include <sys/epoll.h>

#include <cstdint>
#include <vector>

namespace smcscale {

class Epoll {
public:
	Epoll();
	void add(int fd, uint32_t events, uint64_t token);
	void modify(int fd, uint32_t events, uint64_t token);
	void remove(int fd);
	// Waits up to timeout_ms; returns the ready events (EINTR counts as none).
	const std::vector<epoll_event> &wait(int timeout_ms);

private:
	UniqueFd fd_;
	std::vector<epoll_event> ready_;
	std::vector<epoll_event> buffer_ = std::vector<epoll_event>(256);
};

} // namespace smcscale
