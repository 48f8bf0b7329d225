// SPDX-License-Identifier: GPL-2.0
// Samples /proc/stat and /proc/softirqs during a run and reports per-CPU load per
// interval and over the whole run, with how evenly softirq work is spread.
#pragma once

#include "cpu_load.hpp"
#include "cq_work.hpp"

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace smcscale {

struct LoadSample {
	double time = 0; // seconds since the first sample
	StatSnapshot stat;
	SoftirqSnapshot softirqs;
	std::optional<CqWorkByCpu> cq_work; // SMC's CQ tasklet time, when traced
	std::vector<std::string> marks;	    // markers that made this sample be taken
};

// Reads both files under 'proc_root' (tests point it at recorded snapshots), and the
// tracer's totals when one is given.
LoadSample read_load_sample(const std::string &proc_root, double time, const CqWorkTracer *tracer = nullptr);

struct LoadInterval {
	double start = 0, end = 0;
	std::vector<CpuUtilization> cpus; // "all" first
	SoftirqDelta softirqs;
	std::optional<CqWorkByCpu> cq_work; // per CPU, when both samples have it
};

struct LoadReport {
	std::vector<LoadInterval> intervals; // between consecutive samples
	LoadInterval total;		     // first sample to last
	// Between the samples marked "<name>.start" and "<name>.end", by name.
	std::map<std::string, LoadInterval> marked;
};

// Needs at least two samples.
LoadReport analyze_load(const std::vector<LoadSample> &samples);

// The per-CPU values of one measure over an interval, for spread(): "soft" (%soft),
// "cq_work" (SMC's CQ tasklet nanoseconds) or a softirq row name (TASKLET, NET_RX,
// ...). Offline CPUs are left out.
std::vector<std::pair<unsigned, double>> per_cpu(const LoadInterval &interval, const std::string &measure);

// The softirq rows the tables show: all tasklets (rxe's included), the network and the
// CQ pool's.
extern const std::vector<std::string> kShownSoftirqs;

void render_load(std::ostream &out, const LoadInterval &interval);
nlohmann::json load_json(const LoadReport &report);

} // namespace smcscale
