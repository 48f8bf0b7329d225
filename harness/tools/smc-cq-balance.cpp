// SPDX-License-Identifier: GPL-2.0
// smc-cq-balance: is SMC-R's completion work spread over the CQs as it should be?
#include "args.hpp"
#include "cq_balance.hpp"
#include "genl_socket.hpp"
#include "smc_netlink.hpp"

#include <unistd.h>

#include <iostream>

using namespace smcscale;

namespace {

// Exit statuses, besides 0 (all checks passed).
constexpr int kCheckFailed = 1;
constexpr int kUsage = 2;
constexpr int kNoCqAttributes = 3;

const char *kSynopsis = R"([options]

Reads the SMC-R devices' CQ tables and the links' CQ indices over SMC's generic netlink
(attributes added by the CQ-spreading series) and checks, per device with cqs:
  cq count          pairs = min(completion vectors, online CPUs[, --max-pairs])
  distinct vectors  no two cqs of a direction share a vector
  balanced load     with L links on n pairs every load is floor(L/n) or ceil(L/n)
  link bindings     the links' cq indices match the cq loads
  completions       (--require-completions) every cq with links handled completions
The balance holds while links are only added: a link that goes away leaves its cqs
lighter until new links fill them.

exit status: 0 all checks passed, 1 a check failed (or netlink failed),
             2 bad usage, 3 the kernel reports no cqs (a stock smc module))";

} // namespace

int main(int argc, char **argv)
{
	CqBalanceOptions opt;
	opt.online_cpus = static_cast<unsigned>(sysconf(_SC_NPROCESSORS_ONLN));
	bool json = false;
	ArgParser p("smc-cq-balance", kSynopsis);
	p.flag("-j,--json", "print JSON instead of a table", [&] { json = true; });
	p.flag("--require-completions", "fail if a cq with links has handled no completion",
	       [&] { opt.require_completions = true; });
	p.option("--cpus", "N", "online CPUs to expect (default: this host's)", [&](const std::string &v) {
		opt.online_cpus = static_cast<unsigned>(parse_integer("--cpus", v, 1, 1 << 20));
	});
	p.option("--max-pairs", "N", "a cap on cq pairs per device configured on the host",
		 [&](const std::string &v) {
			 opt.max_pairs = static_cast<unsigned>(parse_integer("--max-pairs", v, 1, 1 << 20));
		 });
	try {
		auto pos = p.parse(argc, argv);
		if (p.handle_help_and_version(std::cout))
			return 0;
		if (!pos.empty())
			throw UsageError("unexpected argument '" + pos[0] + "'");
	} catch (const UsageError &e) {
		std::cerr << "smc-cq-balance: " << e.what() << "\nsee 'smc-cq-balance --help'\n";
		return kUsage;
	}
	try {
		GenlSocket sock;
		SmcNetlink smc(sock);
		const auto devices = smc.smcr_devices();
		const CqBalanceReport report = check_cq_balance(devices, smc.links(), opt);
		if (json)
			std::cout << cq_balance_json(report).dump(2) << "\n";
		if (devices.empty()) {
			std::cerr << "smc-cq-balance: no SMC-R device (is an RDMA device up?)\n";
			return kCheckFailed;
		}
		if (!report.cq_attributes) {
			std::cerr << "smc-cq-balance: the smc module reports no CQ attributes "
				     "(a stock net/smc without the CQ-spreading series)\n";
			return kNoCqAttributes;
		}
		if (!json)
			render_cq_balance(std::cout, report);
		return report.passed() ? 0 : kCheckFailed;
	} catch (const std::exception &e) {
		std::cerr << "smc-cq-balance: " << e.what() << "\n";
		return kCheckFailed;
	}
}
