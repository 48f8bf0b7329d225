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
#include <filesystem>
#include <fstream>
#include <set>
#include <optional>
#include <iostream>
#include <thread>

using namespace smcscale;

namespace {

// The files in a marker directory ("" when none is used).
std::set<std::string> marker_names(const std::string &dir)
{
	std::set<std::string> names;
	if (dir.empty())
		return names;
	std::error_code ec;
	for (const auto &e : std::filesystem::directory_iterator(dir, ec))
		names.insert(e.path().filename().string());
	return names;
}

const char *kSynopsis = R"([options] [-- COMMAND [ARGS...]]

Samples /proc/stat and /proc/softirqs every --interval seconds, for --duration seconds or
while COMMAND runs, and prints per-CPU %usr %nice %sys %iowait %irq %soft %steal %guest
%gnice %idle (sysstat's rules) with the TASKLET (all tasklets, rxe's included), NET_RX,
NET_TX and IRQ_POLL softirq counts of the whole run, then how evenly %soft, TASKLET and
NET_RX are spread: Jain's index, coefficient of variation, max/mean, the busiest CPU and
its share, and the CPUs with at least 1 % of the total.
With --cq-work, also the time per CPU in SMC's own CQ tasklets (smc_wr_tx_tasklet_fn,
smc_wr_rx_tasklet_fn), traced with kprobes and a tracefs hist trigger (root, tracefs,
the smc module loaded), and its spread; the probes are removed at exit unless
--keep-probes (a testbed guest that powers off next: under QEMU's TCG, removing a probe
while SMC runs the function can leave a vCPU trapping on it for ever).
With --markers DIR, a sample is also taken as soon as a file appears in DIR (another
process, or another host sharing DIR, marks the start and end of a phase: NAME.start and
NAME.end), and the JSON report has the interval of each such phase under "marked";
without --duration or COMMAND it then runs until SIGTERM or SIGINT. With COMMAND, the exit status is COMMAND's.)";

} // namespace

int main(int argc, char **argv)
{
	double interval = 1.0, duration = 0;
	bool json = false, quiet = false, cq_work = false, keep_probes = false;
	std::string tracefs = "/sys/kernel/tracing";
	std::string output, proc = "/proc", markers;
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
	p.flag("--cq-work", "also time SMC's CQ tasklets per CPU (tracefs kprobes)", [&] { cq_work = true; });
	p.flag("--keep-probes", "with --cq-work, leave the probes in place at exit (for a guest that powers off next)",
	       [&] { keep_probes = true; });
	p.option("--markers", "DIR", "also sample when a file appears in DIR (NAME.start, NAME.end)",
		 [&](const std::string &v) { markers = v; });
	p.option("--tracefs", "DIR", "where tracefs is mounted (default /sys/kernel/tracing)",
		 [&](const std::string &v) { tracefs = v; });
	try {
		auto pos = p.parse(split, argv);
		if (p.handle_help_and_version(std::cout))
			return 0;
		if (!pos.empty())
			throw UsageError("unexpected argument '" + pos[0] + "' (a command goes after --)");
		if (split == argc && duration == 0 && markers.empty())
			throw UsageError("give --duration, --markers or a command after --");
		if (!markers.empty() && !std::filesystem::is_directory(markers))
			throw UsageError("--markers " + markers + " is not a directory");
		if (split < argc && split + 1 == argc)
			throw UsageError("no command after --");
		if (keep_probes && !cq_work)
			throw UsageError("--keep-probes goes with --cq-work");
	} catch (const UsageError &e) {
		std::cerr << "smc-softirq: " << e.what() << "\nsee 'smc-softirq --help'\n";
		return 2;
	}
	const std::atomic<bool> &stop = stop_on_signals();

	try {
		using Clock = std::chrono::steady_clock;
		const auto start = Clock::now();
		auto now = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
		// Removes its probes on every path out of here, unless told to keep them.
		std::optional<CqWorkTracer> tracer;
		if (cq_work)
			tracer.emplace(tracefs);
		if (tracer && keep_probes)
			tracer->release();
		const CqWorkTracer *t = tracer ? &*tracer : nullptr;
		std::vector<LoadSample> samples{read_load_sample(proc, 0, t)};
		// Markers already there belong to an earlier run: not ours.
		std::set<std::string> seen = marker_names(markers);
		// Ended and reaped by its destructor on every path out of here, errors included.
		std::optional<ChildProcess> child;
		if (split < argc)
			child.emplace(std::vector<std::string>(argv + split + 1, argv + argc));
		const bool until_stopped = !child && duration == 0;
		for (;;) {
			const double next = samples.back().time + interval;
			std::vector<std::string> marks;
			while (now() < next && !stop && !(child && child->poll())) {
				for (const std::string &m : marker_names(markers))
					if (seen.insert(m).second)
						marks.push_back(m);
				if (!marks.empty())
					break;
				std::this_thread::sleep_for(std::chrono::milliseconds(10));
			}
			samples.push_back(read_load_sample(proc, now(), t));
			samples.back().marks = std::move(marks);
			if (stop || (child && child->poll()) || (!child && !until_stopped && now() >= duration))
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
