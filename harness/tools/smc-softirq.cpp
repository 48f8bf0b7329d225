// SPDX-License-Identifier: GPL-2.0
// smc-softirq: per-CPU load (mpstat's columns) and softirq counts during a run.
#include "args.hpp"
#include "child_process.hpp"
#include "error.hpp"
#include "load_sampler.hpp"
#include "stop_signal.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <optional>
#include <iostream>
#include <thread>

using namespace smcscale;

namespace {

const char *kSynopsis = R"([options] [-- COMMAND [ARGS...]]

Samples /proc/stat and /proc/softirqs every --interval seconds, for --duration seconds or
while COMMAND runs, and prints per-CPU %usr %nice %sys %iowait %irq %soft %steal %guest
%gnice %idle (mpstat's formulas) with the TASKLET, NET_RX, NET_TX and IRQ_POLL softirq
counts of the whole run, then how evenly %soft, TASKLET and NET_RX are spread: Jain's
index, coefficient of variation, max/mean, the busiest CPU and its share, and the CPUs
with at least 1 % of the total. With COMMAND, the exit status is COMMAND's.)";

} // namespace

int main(int argc, char **argv)
{
	double interval = 1.0, duration = 0;
	bool json = false, quiet = false;
	std::string output, proc = "/proc";
	int split = argc;
	for (int i = 1; i < argc; i++)
		if (std::strcmp(argv[i], "--") == 0) {
			split = i;
			break;
		}
	ArgParser p("smc-softirq", kSynopsis);
	p.option("--interval", "SEC", "seconds between samples (default 1)",
		 [&](const std::string &v) { interval = parse_seconds("--interval", v, 0.01, 3600); });
	p.option("--duration", "SEC", "sample this long (without COMMAND)",
		 [&](const std::string &v) { duration = parse_seconds("--duration", v, 0.01, 86400 * 7); });
	p.option("--output", "FILE", "also write the JSON report to FILE", [&](const std::string &v) { output = v; });
	p.option("--proc", "DIR", "read stat and softirqs from DIR (default /proc)",
		 [&](const std::string &v) { proc = v; });
	p.flag("-j,--json", "print JSON instead of a table", [&] { json = true; });
	p.flag("--quiet", "print nothing (with --output)", [&] { quiet = true; });
	try {
		auto pos = p.parse(split, argv);
		if (p.handle_help_and_version(std::cout))
			return 0;
		if (!pos.empty())
			throw UsageError("unexpected argument '" + pos[0] + "' (a command goes after --)");
		if (split == argc && duration == 0)
			throw UsageError("give --duration or a command after --");
		if (split < argc && split + 1 == argc)
			throw UsageError("no command after --");
	} catch (const UsageError &e) {
		std::cerr << "smc-softirq: " << e.what() << "\nsee 'smc-softirq --help'\n";
		return 2;
	}
	const std::atomic<bool> &stop = stop_on_signals();

	try {
		using Clock = std::chrono::steady_clock;
		const auto start = Clock::now();
		auto now = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
		std::vector<LoadSample> samples{read_load_sample(proc, 0)};
		// Ended and reaped by its destructor on every path out of here, errors included.
		std::optional<ChildProcess> child;
		if (split < argc)
			child.emplace(std::vector<std::string>(argv + split + 1, argv + argc));
		for (;;) {
			const double next = samples.back().time + interval;
			while (now() < next && !stop && !(child && child->poll()))
				std::this_thread::sleep_for(std::chrono::milliseconds(10));
			samples.push_back(read_load_sample(proc, now()));
			if (stop || (child && child->poll()) || (!child && now() >= duration))
				break;
		}
		int status = 0;
		if (child)
			status = child->poll() ? *child->poll() : child->terminate();
		const LoadReport report = analyze_load(samples);
		const nlohmann::json j = load_json(report);
		if (!output.empty()) {
			std::ofstream f(output);
			f << j.dump(2) << "\n";
			if (!f)
				throw Error("writing " + output + " failed");
		}
		if (!quiet && json)
			std::cout << j.dump(2) << "\n";
		else if (!quiet)
			render_load(std::cout, report.total);
		if (!child)
			return 0;
		// stopped by a signal: the child was ended on our behalf, not a failure of it
		if (stop)
			return 128 + SIGTERM;
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		std::cerr << "smc-softirq: " << argv[split + 1] << " was killed by signal " << WTERMSIG(status) << "\n";
		return 128 + WTERMSIG(status);
	} catch (const std::exception &e) {
		std::cerr << "smc-softirq: " << e.what() << "\n";
		return 1;
	}
}
