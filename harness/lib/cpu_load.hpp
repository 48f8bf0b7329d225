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

// The change of a counter that the kernel keeps in 'bits' bits. A counter that went
// backwards wrapped when it fits into 32 bits (older kernels kept unsigned long on
// 32-bit machines, softirq counts are unsigned int); a larger one was reset (idle and
// iowait restart from 0 when a CPU comes back online) and counts from 0.
uint64_t counter_delta(uint64_t before, uint64_t after);

// mpstat -u for one CPU over an interval, in percent of that CPU's ticks.
struct CpuUtilization {
	std::optional<unsigned> cpu; // nullopt: the "all" row
	bool online = true;	     // present in both snapshots
	uint64_t ticks = 0;	     // length of the interval on this CPU
	double usr = 0, nice = 0, sys = 0, iowait = 0, irq = 0, soft = 0, steal = 0, guest = 0,
	       gnice = 0, idle = 0;
};

CpuUtilization utilization(const CpuTimes &before, const CpuTimes &after);
// "all" first, then one row per CPU in either snapshot (offline ones with online=false).
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
