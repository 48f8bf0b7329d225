// SPDX-License-Identifier: GPL-2.0
// The benchmark's results over its repetitions: per variant and point, medians with
// min and max of the valid repetitions, ratios against stock (per repetition, since the
// variants of one repetition ran back to back), the SMC-R/TCP ratio, the benchmark's
// targets with what was measured, and gnuplot charts.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace smcscale {

// Median, min and max of some values (all 0 and n = 0 when there are none).
struct Stat {
	size_t n = 0;
	double median = 0, min = 0, max = 0;
};
Stat stat_of(std::vector<double> values);

// Reads every OUT/runs/*/points.json (smc-bench.run documents) and OUT/bench.env; returns
// a "smc-bench.summary" document. The runs' FAILED files become "failed_runs"; the first
// attempts under OUT/retried/ (runs scripts/bench ran again) become "retried_runs", their
// points unread. Throws Error naming a malformed file.
nlohmann::json summarize_bench(const std::string &out_dir);

void render_bench_summary(std::ostream &out, const nlohmann::json &summary);

// Writes OUT/charts/*.dat and *.gp and runs gnuplot on them (PNG and SVG); returns the
// charts written. Throws Error when gnuplot fails.
std::vector<std::string> write_bench_charts(const std::string &out_dir, const nlohmann::json &summary);

} // namespace smcscale
