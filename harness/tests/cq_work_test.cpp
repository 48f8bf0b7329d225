// SPDX-License-Identifier: GPL-2.0
// SMC's CQ work per CPU: the tracefs histogram parser on a real kernel's output, the
// tracer's setup and teardown against a fake tracefs, and the per-CPU arithmetic.
#include "cq_work.hpp"
#include "error.hpp"
#include "load_sampler.hpp"
#include "procfs.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace smcscale;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path &p)
{
	std::ifstream in(p);
	std::stringstream s;
	s << in.rdbuf();
	return s.str();
}

} // namespace

TEST(CqWork, ParsesAKernelsHistogram)
{
	const CqWorkByCpu w = parse_cq_work_hist(slurp(fs::path(SMCSCALE_TEST_DATA) / "tracefs/cq-work-hist"));
	ASSERT_FALSE(w.empty());
	uint64_t runs = 0, ns = 0;
	for (const auto &[cpu, c] : w) {
		runs += c.runs;
		ns += c.ns;
		EXPECT_GT(c.ns, c.runs) << "a tasklet run takes more than a nanosecond";
	}
	EXPECT_GT(runs, 0u);
	EXPECT_GT(ns, 0u);
	// an empty histogram is valid: no CPU ran the function yet
	EXPECT_TRUE(parse_cq_work_hist("# event histogram\n#\n\nTotals:\n    Hits: 0\n").empty());
	EXPECT_THROW(parse_cq_work_hist("cpu0 1 2 3\n"), Error);
}

TEST(CqWork, DeltaAndSpreadPerCpu)
{
	CqWorkByCpu a{{0, {10, 1000}}}, b{{0, {30, 5000}}, {2, {5, 700}}};
	const CqWorkByCpu d = cq_work_delta(a, b);
	EXPECT_EQ(d.at(0).runs, 20u);
	EXPECT_EQ(d.at(0).ns, 4000u);
	EXPECT_EQ(d.at(2).ns, 700u);
	StatSnapshot s = parse_proc_stat("cpu 0 0 0 0\ncpu0 1 0 0 1\ncpu1 1 0 0 1\ncpu2 1 0 0 1\n");
	StatSnapshot t = parse_proc_stat("cpu 0 0 0 0\ncpu0 2 0 0 2\ncpu1 2 0 0 2\ncpu2 2 0 0 2\n");
	LoadInterval in;
	in.cpus = cpu_utilization(s, t);
	in.cq_work = d;
	const auto v = per_cpu(in, "cq_work");
	ASSERT_EQ(v.size(), 3u);
	EXPECT_EQ(v[1].second, 0.0) << "a CPU without CQ work counts as 0";
	const Spread sp = spread(v);
	EXPECT_EQ(sp.busiest_cpu, 0u);
	EXPECT_NEAR(sp.busiest_share, 4000.0 / 4700, 1e-9);
	std::ostringstream out;
	render_load(out, in);
	EXPECT_NE(out.str().find("CQ-WORK-ms"), std::string::npos) << out.str();
	EXPECT_NE(out.str().find("TASKLET(all)"), std::string::npos);
	EXPECT_NE(out.str().find("spread of SMC CQ work: jain="), std::string::npos) << out.str();
	EXPECT_NE(out.str().find("spread of all tasklets (rxe included)"), std::string::npos);
}

TEST(CqWork, TracerSetsUpAndRemovesEverything)
{
	// A fake tracefs: the files the tracer appends to, and the histograms it reads.
	const fs::path dir = fs::temp_directory_path() / ("cq-work-test-" + std::to_string(getpid()));
	fs::remove_all(dir);
	for (const char *d : {"events/smcscale/cq0_in", "events/smcscale/cq0_out", "events/synthetic/smcscale_cq0"})
		fs::create_directories(dir / d);
	for (const char *f : {"kprobe_events", "synthetic_events", "events/smcscale/cq0_in/trigger",
			      "events/smcscale/cq0_out/trigger", "events/synthetic/smcscale_cq0/trigger"})
		std::ofstream(dir / f).flush();
	std::ofstream(dir / "events/synthetic/smcscale_cq0/hist")
		<< "# event histogram\n{ common_cpu:          3 } hitcount:          7  ns:       9000\n\nTotals:\n";
	{
		CqWorkTracer t(dir.string(), {"smc_wr_tx_tasklet_fn"});
		EXPECT_EQ(slurp(dir / "kprobe_events"),
			  "p:smcscale/cq0_in smc_wr_tx_tasklet_fn\nr:smcscale/cq0_out smc_wr_tx_tasklet_fn\n");
		EXPECT_NE(slurp(dir / "events/smcscale/cq0_out/trigger").find("onmatch(smcscale.cq0_in).trace(smcscale_cq0,$ns)"),
			  std::string::npos);
		const CqWorkByCpu w = t.read();
		EXPECT_EQ(w.at(3).runs, 7u);
		EXPECT_EQ(w.at(3).ns, 9000u);
	}
	// everything undone, last step first
	EXPECT_EQ(slurp(dir / "kprobe_events"), "p:smcscale/cq0_in smc_wr_tx_tasklet_fn\n"
						"r:smcscale/cq0_out smc_wr_tx_tasklet_fn\n"
						"-:smcscale/cq0_out\n-:smcscale/cq0_in\n");
	EXPECT_EQ(slurp(dir / "synthetic_events"), "smcscale_cq0 u64 ns\n!smcscale_cq0 u64 ns\n");
	EXPECT_NE(slurp(dir / "events/synthetic/smcscale_cq0/trigger").find("!hist:keys=common_cpu:vals=hitcount,ns"),
		  std::string::npos);
	// released: the probes stay when the tracer goes
	std::ofstream(dir / "kprobe_events", std::ios::trunc).flush();
	{
		CqWorkTracer t(dir.string(), {"smc_wr_tx_tasklet_fn"});
		t.release();
	}
	EXPECT_EQ(slurp(dir / "kprobe_events"),
		  "p:smcscale/cq0_in smc_wr_tx_tasklet_fn\nr:smcscale/cq0_out smc_wr_tx_tasklet_fn\n");
	// a step the kernel refuses undoes the steps before it
	fs::remove_all(dir / "events/smcscale/cq0_in");
	std::ofstream(dir / "kprobe_events", std::ios::trunc).flush();
	std::ofstream(dir / "synthetic_events", std::ios::trunc).flush();
	EXPECT_THROW(CqWorkTracer(dir.string(), {"smc_wr_tx_tasklet_fn"}), Error);
	EXPECT_EQ(slurp(dir / "synthetic_events"), "smcscale_cq0 u64 ns\n!smcscale_cq0 u64 ns\n");
	fs::remove_all(dir);
}
