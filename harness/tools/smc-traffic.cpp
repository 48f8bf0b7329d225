// SPDX-License-Identifier: GPL-2.0
// smc-traffic: verified request/response and stream traffic over AF_SMC or TCP.
#include "args.hpp"
#include "stop_signal.hpp"
#include "traffic.hpp"

#include <iostream>

using namespace smcscale;

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
	const std::atomic<bool> &stop = stop_on_signals();
	try {
		TrafficResult r = opt.server ? run_traffic_server(opt, stop) : run_traffic_client(opt, stop);
		std::cout << (opt.json ? traffic_json(r).dump(2) + "\n" : format_key_value(r));
		for (const auto &m : r.error_messages)
			std::cerr << "smc-traffic: " << m << "\n";
		return r.ok() ? 0 : 1;
	} catch (const std::exception &e) {
		std::cerr << "smc-traffic: " << e.what() << "\n";
		return 1;
	}
}
