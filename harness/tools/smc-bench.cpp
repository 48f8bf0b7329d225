// SPDX-License-Identifier: GPL-2.0
// smc-bench: the results of scripts/bench (make bench).
//   smc-bench collect RUN_DIR      one run's points, as JSON (scripts/bench calls it)
//   smc-bench summarize OUT_DIR    medians, ratios and targets over all runs
//   smc-bench charts OUT_DIR       gnuplot charts (PNG and SVG) in OUT_DIR/charts
#include "args.hpp"
#include "bench_collect.hpp"
#include "bench_summary.hpp"

#include <iostream>
#include <sstream>

using namespace smcscale;

int main(int argc, char **argv)
{
	bool json = false;
	ArgParser p("smc-bench", R"([-j] collect RUN_DIR | summarize OUT_DIR | charts OUT_DIR

collect    reads one run directory of scripts/bench and prints its points as JSON
           (always JSON: it is what summarize reads, as RUN_DIR/points.json)
summarize  reads OUT_DIR/runs/*/points.json: per workload, connections and variant the
           medians [min-max] of the valid repetitions, QPS ratios against stock and
           SMC-R/TCP, SMC's completion work (busiest CPU's share, Jain's index), and
           the benchmark's targets, as a table or (-j) JSON
charts     writes OUT_DIR/charts: QPS and p99 against connections, SMC's completion
           work and %soft per server CPU, as PNG and SVG (gnuplot))");
	p.flag("-j,--json", "print JSON instead of a table (summarize)", [&] { json = true; });
	try {
		auto pos = p.parse(argc, argv);
		if (p.handle_help_and_version(std::cout))
			return 0;
		if (pos.size() != 2)
			throw UsageError("expected a command and a directory");
		std::ostringstream out;
		if (pos[0] == "collect") {
			out << collect_bench_run(pos[1]).dump(1) << "\n";
		} else if (pos[0] == "summarize") {
			const nlohmann::json s = summarize_bench(pos[1]);
			if (json)
				out << s.dump(1) << "\n";
			else
				render_bench_summary(out, s);
		} else if (pos[0] == "charts") {
			for (const std::string &f : write_bench_charts(pos[1], summarize_bench(pos[1])))
				out << f << "\n";
		} else {
			throw UsageError("unknown command '" + pos[0] + "'");
		}
		std::cout << out.str();
		return 0;
	} catch (const UsageError &e) {
		std::cerr << "smc-bench: " << e.what() << "\nsee 'smc-bench --help'\n";
		return 2;
	} catch (const std::exception &e) {
		std::cerr << "smc-bench: " << e.what() << "\n";
		return 1;
	}
}
