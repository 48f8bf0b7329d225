// SPDX-License-Identifier: GPL-2.0
// The benchmark summary's bookkeeping of runs: failed runs and first attempts that
// scripts/bench ran again, on a results directory built here (no guest needed).
#include "bench_summary.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace smcscale;
namespace fs = std::filesystem;

TEST(BenchSummary, NamesFailedAndRetriedRunsWithoutReadingRetriedPoints)
{
	const fs::path out = fs::temp_directory_path() / ("bench-summary-test-" + std::to_string(getpid()));
	fs::remove_all(out);
	fs::create_directories(out / "runs/rep1-patched");
	std::ofstream(out / "runs/rep1-patched/FAILED") << "rep 1 patched failed: client: exit 1\n";
	fs::create_directories(out / "retried/rep1-stock");
	std::ofstream(out / "retried/rep1-stock/FAILED") << "rep 1 stock, attempt 1: testbed: a TCG artefact\n";
	// not a smc-bench.run document: reading it would throw
	std::ofstream(out / "retried/rep1-stock/points.json") << "{}";

	const nlohmann::json s = summarize_bench(out.string());
	ASSERT_EQ(s["failed_runs"].size(), 1u);
	EXPECT_EQ(s["failed_runs"][0]["run"], "rep1-patched");
	ASSERT_EQ(s["retried_runs"].size(), 1u);
	EXPECT_EQ(s["retried_runs"][0]["run"], "rep1-stock");
	EXPECT_EQ(s["retried_runs"][0]["reason"], "rep 1 stock, attempt 1: testbed: a TCG artefact");
	EXPECT_EQ(s["points"], 0u);

	std::ostringstream text;
	render_bench_summary(text, s);
	EXPECT_NE(text.str().find("failed run: rep1-patched: rep 1 patched failed"), std::string::npos);
	EXPECT_NE(text.str().find("run again in fresh guests: rep1-stock, its first attempt: rep 1 stock"),
		  std::string::npos);
	fs::remove_all(out);
}
