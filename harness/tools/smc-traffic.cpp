// SPDX-License-Identifier: GPL-2.0
// smc-traffic: verified request/response and stream traffic over AF_SMC or TCP.
#include "args.hpp"
#include "traffic.hpp"

#include <csignal>
#include <iostream>

using namespace smcscale;

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int)
{
	g_stop = true;
}

} // namespace

int main(int argc, char **argv)
{
	TrafficOptions opt;
	try {
		std::string help;
		if (!parse_traffic_options(argc, argv, opt, &help)) {
			std::cout << help;
			return 0;
		}
	} catch (const UsageError &e) {
		std::cerr << "smc-traffic: " << e.what() << "\nsee 'smc-traffic --help'\n";
		return 2;
	}
	struct sigaction sa = {};
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, nullptr);
	sigaction(SIGTERM, &sa, nullptr);
	try {
		TrafficResult r = opt.server ? run_traffic_server(opt, g_stop) : run_traffic_client(opt, g_stop);
		std::cout << (opt.json ? traffic_json(r).dump(2) + "\n" : format_key_value(r));
		for (const auto &m : r.error_messages)
			std::cerr << "smc-traffic: " << m << "\n";
		return r.ok() ? 0 : 1;
	} catch (const std::exception &e) {
		std::cerr << "smc-traffic: " << e.what() << "\n";
		return 1;
	}
}
