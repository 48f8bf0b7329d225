// SPDX-License-Identifier: GPL-2.0
// Parsers for /proc/stat (per-CPU time in clock ticks) and /proc/softirqs (per-CPU
// softirq invocation counts). They take the file's text, so tests and fuzzers feed them
// recorded or random input; malformed input raises ProcParseError, never undefined
// behaviour.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace smcscale {

class ProcParseError : public std::runtime_error {
public:
	explicit ProcParseError(const std::string &what) : std::runtime_error(what) {}
};

// The ten time fields of a "cpuN" line, in /proc/stat's order. Older kernels print
// fewer; missing fields are 0.
struct CpuTimes {
	uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0;
	uint64_t irq = 0, softirq = 0, steal = 0, guest = 0, guest_nice = 0;
};

struct StatSnapshot {
	CpuTimes all;			 // the "cpu" line
	std::map<unsigned, CpuTimes> cpus; // online CPUs only: an offline CPU has no line
};

StatSnapshot parse_proc_stat(std::string_view text);

// Rows (HI, TIMER, NET_TX, NET_RX, BLOCK, IRQ_POLL, TASKLET, SCHED, HRTIMER, RCU) by
// name, each with one counter per CPU column. The columns are the possible CPUs: an
// offline CPU keeps its column with frozen counts.
struct SoftirqSnapshot {
	std::vector<unsigned> cpus; // CPU number of each column
	std::map<std::string, std::vector<uint64_t>> rows;
};

SoftirqSnapshot parse_proc_softirqs(std::string_view text);

// Reads a whole /proc file (they report size 0, so no stat-and-read).
std::string read_proc_file(const std::string &path);

} // namespace smcscale
