// SPDX-License-Identifier: GPL-2.0
// Per-CPU load between two /proc snapshots, the way mpstat computes it, and how evenly
// a quantity is spread over the CPUs.
#pragma once

#include "procfs.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace smcscale {

// mpstat -u for one CPU over an interval, in percent of that CPU's ticks, computed
// with sysstat's rules (12.6, get_per_cpu_interval() and ll_sp_value()):
// - guest and guest_nice are part of user and nice; when guest grew more than user in
//   the interval, %usr is 0 and the interval grows by the difference;
// - a counter that went down is a restart, not a wrap: idle restarts from 0 when a CPU
//   comes back online, so the old idle counts as 0; iowait can also step back when
//   the kernel re-accounts a tick as idle, so when idle went up the old iowait is
//   taken as the new one (no iowait in the interval), otherwise it counts as 0;
// - only an old value within 0x7ffff of 2^64 is taken as an overflow (no restart);
// - any other field that went down shows 0 %.
struct CpuUtilization {
	std::optional<unsigned> cpu; // nullopt: the "all" row
	bool online = true;	     // present in both snapshots
	uint64_t ticks = 0;	     // length of the interval on this CPU
	double usr = 0, nice = 0, sys = 0, iowait = 0, irq = 0, soft = 0, steal = 0, guest = 0,
	       gnice = 0, idle = 0;
};

CpuUtilization utilization(const CpuTimes &before, const CpuTimes &after);
// "all" first, then one row per CPU in either snapshot. A CPU missing from either
// snapshot (offline at one end) has online=false and, as in mpstat, is not part of
// "all": "all" is the sum of the CPUs online at both ends (not /proc/stat's "cpu"
// line, which also counts offline CPUs' frozen times).
std::vector<CpuUtilization> cpu_utilization(const StatSnapshot &before, const StatSnapshot &after);

// Per-CPU softirq counts over an interval. Throws ProcParseError when the CPU columns
// of the two snapshots differ.
struct SoftirqDelta {
	std::vector<unsigned> cpus;
	std::map<std::string, std::vector<uint64_t>> rows;
	// the count of 'row' on 'cpu', 0 when either is unknown
	uint64_t get(const std::string &row, unsigned cpu) const;
};

SoftirqDelta softirq_delta(const SoftirqSnapshot &before, const SoftirqSnapshot &after);

// How evenly a quantity is spread over CPUs.
struct Spread {
	size_t cpus = 0;
	double total = 0;
	double jain = 0;	  // (sum x)^2 / (n * sum x^2): 1 = even, 1/n = one CPU does all
	double cv = 0;		  // standard deviation / mean
	double max_over_mean = 0; // busiest CPU relative to the mean
	unsigned busiest_cpu = 0;
	double busiest_share = 0; // of the total, 0..1
	size_t working_cpus = 0;  // CPUs with at least 1 % of the total
};

Spread spread(const std::vector<std::pair<unsigned, double>> &per_cpu);

} // namespace smcscale
