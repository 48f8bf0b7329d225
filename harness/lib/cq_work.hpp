// SPDX-License-Identifier: GPL-2.0
// SMC's own completion work per CPU: the time spent in SMC's CQ tasklet functions
// (smc_wr_tx_tasklet_fn, smc_wr_rx_tasklet_fn), measured with tracefs (a kprobe and a
// kretprobe per function, a synthetic event carrying the duration, and a hist trigger
// that sums it per CPU in the kernel). Raw TASKLET softirq counts cannot tell this
// apart: in the testbed most tasklets are rxe's own.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace smcscale {

// Per CPU: runs of the functions and nanoseconds in them (callees included).
struct CqWork {
	uint64_t runs = 0;
	uint64_t ns = 0;
};
using CqWorkByCpu = std::map<unsigned, CqWork>;

// The functions a tracer times by default: SMC's send and receive CQ tasklets (the same
// names in the stock module and with the CQ-spreading series).
extern const std::vector<std::string> kSmcCqFunctions;

// Parses the text of a tracefs hist file keyed by common_cpu with hitcount and ns values.
// Throws Error on text that is not such a histogram.
CqWorkByCpu parse_cq_work_hist(const std::string &text);

// Sets the probes up on construction and removes all of it on destruction (also when
// construction fails half-way). Needs root, tracefs and the functions' module loaded.
class CqWorkTracer {
public:
	explicit CqWorkTracer(std::string tracefs = "/sys/kernel/tracing",
			      std::vector<std::string> functions = kSmcCqFunctions);
	~CqWorkTracer();
	CqWorkTracer(const CqWorkTracer &) = delete;
	CqWorkTracer &operator=(const CqWorkTracer &) = delete;

	// Totals since construction, all functions added up, per CPU.
	CqWorkByCpu read() const;

	// Leaves the probes in place for good: the destructor removes nothing. Removing a
	// probe patches the function's text; a guest about to power off skips that, because
	// under QEMU's TCG a vCPU running the function at that moment can be caught on the
	// breakpoint for ever (Documentation/testing.md, Debugging a failing run, 7).
	void release() noexcept { undo_.clear(); }

private:
	void write(const std::string &file, const std::string &line);
	void teardown() noexcept;

	std::string tracefs_;
	std::vector<std::string> functions_;
	// what to write to undo each step, last step first
	std::vector<std::pair<std::string, std::string>> undo_;
};

// The change between two readings (a CPU missing from 'before' counts from 0).
CqWorkByCpu cq_work_delta(const CqWorkByCpu &before, const CqWorkByCpu &after);

} // namespace smcscale
