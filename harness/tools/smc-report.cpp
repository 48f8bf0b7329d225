// SPDX-License-Identifier: GPL-2.0
// smc-report: one testbed run, summarised (see run_report.hpp).
#include "args.hpp"
#include "run_report.hpp"

#include <iostream>
#include <sstream>

using namespace smcscale;

int main(int argc, char **argv)
{
	bool json = false;
	ArgParser p("smc-report", R"([--json] RUN_DIR

Summarises a run directory of scripts/smc-vm: kernel, smc variant and the series'
commit, vCPUs; per guest the link groups, links, CQ pairs, fallbacks, SMC-R connections
and bytes, the traffic results (RUN_DIR/<guest>/traffic.json from smc-traffic --json),
the CQ table and the per-CPU load (RUN_DIR/<guest>/softirq.json from smc-softirq
--output).)");
	p.flag("-j,--json", "print JSON instead of tables", [&] { json = true; });
	try {
		auto pos = p.parse(argc, argv);
		if (p.handle_help_and_version(std::cout))
			return 0;
		if (pos.size() != 1)
			throw UsageError("expected one RUN_DIR");
		const nlohmann::json report = read_run_report(pos[0]);
		// Rendered in full before anything is printed: an error prints no half report.
		std::ostringstream out;
		if (json)
			out << report.dump(2) << "\n";
		else
			render_run_report(out, report);
		std::cout << out.str();
		return 0;
	} catch (const UsageError &e) {
		std::cerr << "smc-report: " << e.what() << "\nsee 'smc-report --help'\n";
		return 2;
	} catch (const std::exception &e) {
		std::cerr << "smc-report: " << e.what() << "\n";
		return 1;
	}
}
