// SPDX-License-Identifier: GPL-2.0
#include "stop_signal.hpp"

#include <csignal>

namespace smcscale {

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int)
{
	g_stop = true;
}

} // namespace

const std::atomic<bool> &stop_on_signals()
{
	static const bool installed = [] {
		struct sigaction sa = {};
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, nullptr);
		sigaction(SIGTERM, &sa, nullptr);
		return true;
	}();
	(void)installed;
	return g_stop;
}

} // namespace smcscale
