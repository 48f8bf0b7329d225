// SPDX-License-Identifier: GPL-2.0
// What wrk --latency prints, as numbers: the benchmark drives nginx with the Debian
// package's wrk, unmodified (under smcscale-run for SMC-R).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace smcscale {

struct WrkResult {
	uint64_t requests = 0;	   // "N requests in T"
	double seconds = 0;	   // T
	double requests_per_sec = 0;
	std::optional<double> p50_us, p75_us, p90_us, p99_us; // "Latency Distribution"
	uint64_t connect_errors = 0, read_errors = 0, write_errors = 0, timeouts = 0;
	uint64_t non_2xx = 0;

	uint64_t errors() const { return connect_errors + read_errors + write_errors + timeouts + non_2xx; }
};

// Throws Error naming what is missing when the text is not wrk's report.
WrkResult parse_wrk_output(const std::string &text);

} // namespace smcscale
