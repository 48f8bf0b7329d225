// SPDX-License-Identifier: GPL-2.0
#include "epoll.hpp"

#include "error.hpp"

#include <cerrno>

namespace smcscale {

Epoll::Epoll() : fd_(epoll_create1(EPOLL_CLOEXEC))
{
	if (!fd_)
		throw_errno("epoll_create1", errno);
}

void Epoll::add(int fd, uint32_t events, uint64_t token)
{
	epoll_event ev{};
	ev.events = events;
	ev.data.u64 = token;
	if (epoll_ctl(fd_.get(), EPOLL_CTL_ADD, fd, &ev) < 0)
		throw_errno("epoll_ctl(ADD)", errno);
}

void Epoll::modify(int fd, uint32_t events, uint64_t token)
{
	epoll_event ev{};
	ev.events = events;
	ev.data.u64 = token;
	if (epoll_ctl(fd_.get(), EPOLL_CTL_MOD, fd, &ev) < 0)
		throw_errno("epoll_ctl(MOD)", errno);
}

void Epoll::remove(int fd)
{
	epoll_ctl(fd_.get(), EPOLL_CTL_DEL, fd, nullptr);
}

const std::vector<epoll_event> &Epoll::wait(int timeout_ms)
{
	int n = epoll_wait(fd_.get(), buffer_.data(), static_cast<int>(buffer_.size()), timeout_ms);
	if (n < 0 && errno != EINTR)
		throw_errno("epoll_wait", errno);
	ready_.assign(buffer_.begin(), buffer_.begin() + (n > 0 ? n : 0));
	return ready_;
}

} // namespace smcscale
