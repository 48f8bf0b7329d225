// SPDX-License-Identifier: GPL-2.0
// /proc/stat and /proc/softirqs: parsing recorded and constructed snapshots, mpstat's
// arithmetic, offline CPUs, counter wrap, and how spread is measured.
#include "cpu_load.hpp"
#include "load_sampler.hpp"
#include "procfs.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

using namespace smcscale;

namespace {

std::string data(const std::string &name)
{
	return read_proc_file(std::string(SMCSCALE_TEST_DATA) + "/proc/" + name);
}

const char *kSoftirqsHeader = "                    CPU0       CPU1\n";

} // namespace

TEST(ProcStat, RecordedHostSnapshots)
{
	StatSnapshot a = parse_proc_stat(data("host-2cpu-0/stat"));
	StatSnapshot b = parse_proc_stat(data("host-2cpu-1/stat"));
	ASSERT_EQ(a.cpus.size(), 2u);
	EXPECT_EQ(a.all.user, 249815u);
	EXPECT_EQ(a.cpus.at(1).iowait, 3327u);
	auto rows = cpu_utilization(a, b);
	ASSERT_EQ(rows.size(), 3u);
	EXPECT_FALSE(rows[0].cpu.has_value());
	for (const CpuUtilization &u : rows) {
		EXPECT_TRUE(u.online);
		EXPECT_GT(u.ticks, 0u);
		const double sum = u.usr + u.nice + u.sys + u.iowait + u.irq + u.soft + u.steal + u.idle;
		EXPECT_NEAR(sum, 100.0, 1e-9);
	}
	// cpu1: 2+40+1+50+8 = 101 ticks, 8 of them softirq
	EXPECT_EQ(rows[2].ticks, 101u);
	EXPECT_NEAR(rows[2].soft, 800.0 / 101, 1e-9);
}

TEST(ProcStat, RecordedGuestSnapshot)
{
	StatSnapshot s = parse_proc_stat(data("guest-2cpu/stat"));
	EXPECT_EQ(s.cpus.size(), 2u);
	SoftirqSnapshot q = parse_proc_softirqs(data("guest-2cpu/softirqs"));
	EXPECT_EQ(q.cpus, (std::vector<unsigned>{0, 1}));
	EXPECT_EQ(q.rows.size(), 10u);
	EXPECT_GT(q.rows.at("TASKLET")[0] + q.rows.at("TASKLET")[1], 0u); // SMC's tasklets ran
}

TEST(ProcStat, MpstatArithmetic)
{
	// 200 ticks: user 50 (10 of them guest), nice 10, system 30, idle 80, iowait 5,
	// irq 5, softirq 15, steal 5.
	StatSnapshot a = parse_proc_stat("cpu 0 0 0 0 0 0 0 0 0 0\ncpu0 100 10 20 1000 5 5 5 5 7 0\n");
	StatSnapshot b = parse_proc_stat("cpu 0 0 0 0 0 0 0 0 0 0\ncpu0 150 20 50 1080 10 10 20 10 17 0\n");
	CpuUtilization u = cpu_utilization(a, b)[1];
	EXPECT_EQ(u.ticks, 200u);
	EXPECT_DOUBLE_EQ(u.usr, 20.0);	 // (50 - 10) / 200
	EXPECT_DOUBLE_EQ(u.guest, 5.0);
	EXPECT_DOUBLE_EQ(u.nice, 5.0);
	EXPECT_DOUBLE_EQ(u.sys, 15.0);
	EXPECT_DOUBLE_EQ(u.idle, 40.0);
	EXPECT_DOUBLE_EQ(u.iowait, 2.5);
	EXPECT_DOUBLE_EQ(u.irq, 2.5);
	EXPECT_DOUBLE_EQ(u.soft, 7.5);
	EXPECT_DOUBLE_EQ(u.steal, 2.5);
	// a CPU without a tick in the interval is idle
	EXPECT_DOUBLE_EQ(cpu_utilization(a, a)[1].idle, 100.0);
}

TEST(ProcStat, GuestAheadOfUserExtendsTheInterval)
{
	CpuTimes a, b;
	b.user = 10;
	b.guest = 12; // guest ran 2 ticks ahead of user
	b.idle = 88;
	CpuUtilization u = utilization(a, b);
	EXPECT_EQ(u.ticks, 100u);
	EXPECT_DOUBLE_EQ(u.usr, 0.0);
	EXPECT_DOUBLE_EQ(u.guest, 12.0);
}

TEST(ProcStat, HotUnpluggedCpuIsOffline)
{
	StatSnapshot a = parse_proc_stat("cpu 1 1 1 1\ncpu0 1 0 0 1\ncpu1 0 1 1 0\ncpu2 5 5 5 5\n");
	StatSnapshot b = parse_proc_stat("cpu 2 2 2 2\ncpu0 2 0 0 2\ncpu2 6 6 6 6\n"); // cpu1 went away
	auto rows = cpu_utilization(a, b);
	ASSERT_EQ(rows.size(), 4u);
	EXPECT_EQ(*rows[2].cpu, 1u);
	EXPECT_FALSE(rows[2].online);
	EXPECT_TRUE(rows[3].online);
	// ... and /proc/softirqs keeps its column (possible CPUs), frozen
	std::string h = "                    CPU0       CPU1       CPU2\n";
	SoftirqSnapshot qa = parse_proc_softirqs(h + "     TASKLET:          1          7          2\n");
	SoftirqSnapshot qb = parse_proc_softirqs(h + "     TASKLET:          4          7          9\n");
	SoftirqDelta d = softirq_delta(qa, qb);
	EXPECT_EQ(d.get("TASKLET", 0), 3u);
	EXPECT_EQ(d.get("TASKLET", 1), 0u);
	EXPECT_EQ(d.get("TASKLET", 2), 7u);
	LoadInterval in{0, 1, rows, d};
	auto v = per_cpu(in, "TASKLET");
	EXPECT_EQ(v.size(), 2u); // the offline CPU is left out
}

TEST(ProcStat, CountersThatWrapOrRestart)
{
	EXPECT_EQ(counter_delta(0xfffffff0ULL, 0x10), 0x20u);	   // 32-bit wrap
	EXPECT_EQ(counter_delta(5000000000ULL, 50), 50u);	   // reset: CPU back online
	EXPECT_EQ(counter_delta(7, 7), 0u);
	SoftirqSnapshot a = parse_proc_softirqs(std::string(kSoftirqsHeader) + "  TASKLET: 4294967290 3\n");
	SoftirqSnapshot b = parse_proc_softirqs(std::string(kSoftirqsHeader) + "  TASKLET: 5 4\n");
	SoftirqDelta d = softirq_delta(a, b);
	EXPECT_EQ(d.get("TASKLET", 0), 11u);
	EXPECT_EQ(d.get("TASKLET", 1), 1u);
}

TEST(ProcStat, OlderKernelWithFewerFields)
{
	StatSnapshot s = parse_proc_stat("cpu 1 2 3 4\ncpu0 1 2 3 4\n");
	EXPECT_EQ(s.cpus.at(0).idle, 4u);
	EXPECT_EQ(s.cpus.at(0).steal, 0u);
}

TEST(ProcStat, MalformedInputIsAnError)
{
	EXPECT_THROW(parse_proc_stat(""), ProcParseError);
	EXPECT_THROW(parse_proc_stat("intr 1 2 3\n"), ProcParseError);		     // no cpu line
	EXPECT_THROW(parse_proc_stat("cpu 1 2 3\n"), ProcParseError);		     // too few fields
	EXPECT_THROW(parse_proc_stat("cpu 1 2 3 x\n"), ProcParseError);		     // not a number
	EXPECT_THROW(parse_proc_stat("cpu 1 2 3 4\ncpuX 1 2 3 4\n"), ProcParseError); // bad name
	EXPECT_THROW(parse_proc_stat("cpu 1 2 3 4\ncpu0 1 2 3 4\ncpu0 1 2 3 4\n"), ProcParseError);
	EXPECT_THROW(parse_proc_stat("cpu 1 2 3 99999999999999999999999\n"), ProcParseError);
	EXPECT_THROW(parse_proc_softirqs(""), ProcParseError);
	EXPECT_THROW(parse_proc_softirqs("CPU0 GPU1\n"), ProcParseError);
	EXPECT_THROW(parse_proc_softirqs(std::string(kSoftirqsHeader) + "TASKLET 1 2\n"), ProcParseError);
	EXPECT_THROW(parse_proc_softirqs(std::string(kSoftirqsHeader) + "TASKLET: 1\n"), ProcParseError);
	EXPECT_THROW(parse_proc_softirqs(std::string(kSoftirqsHeader) + "A: 1 2\nA: 1 2\n"), ProcParseError);
	SoftirqSnapshot two = parse_proc_softirqs(std::string(kSoftirqsHeader) + "A: 1 2\n");
	SoftirqSnapshot three = parse_proc_softirqs("CPU0 CPU1 CPU2\nA: 1 2 3\n");
	EXPECT_THROW(softirq_delta(two, three), ProcParseError);
	EXPECT_THROW(read_proc_file("/nonexistent/stat"), std::exception);
}

TEST(Spread, EvenAndConcentrated)
{
	Spread even = spread({{0, 10}, {1, 10}, {2, 10}, {3, 10}});
	EXPECT_DOUBLE_EQ(even.jain, 1.0);
	EXPECT_DOUBLE_EQ(even.cv, 0.0);
	EXPECT_DOUBLE_EQ(even.max_over_mean, 1.0);
	EXPECT_EQ(even.working_cpus, 4u);

	Spread one = spread({{0, 0}, {1, 40}, {2, 0}, {3, 0}});
	EXPECT_DOUBLE_EQ(one.jain, 0.25); // 1/n
	EXPECT_DOUBLE_EQ(one.max_over_mean, 4.0);
	EXPECT_EQ(one.busiest_cpu, 1u);
	EXPECT_DOUBLE_EQ(one.busiest_share, 1.0);
	EXPECT_EQ(one.working_cpus, 1u);
	EXPECT_NEAR(one.cv, std::sqrt(3.0), 1e-12);

	Spread none = spread({{0, 0}, {1, 0}});
	EXPECT_EQ(none.total, 0.0);
	EXPECT_EQ(none.jain, 0.0);
	EXPECT_EQ(spread({}).cpus, 0u);
	// a CPU below 1 % of the total does not count as working
	EXPECT_EQ(spread({{0, 1000}, {1, 5}}).working_cpus, 1u);
}

TEST(LoadSampler, ReportFromRecordedFiles)
{
	LoadSample a = read_load_sample(std::string(SMCSCALE_TEST_DATA) + "/proc/host-2cpu-0", 0);
	LoadSample b = read_load_sample(std::string(SMCSCALE_TEST_DATA) + "/proc/host-2cpu-1", 1);
	LoadReport r = analyze_load({a, b, b});
	EXPECT_EQ(r.intervals.size(), 2u);
	EXPECT_EQ(r.total.start, 0.0);
	EXPECT_EQ(r.total.end, 1.0);
	std::ostringstream out;
	render_load(out, r.total);
	EXPECT_NE(out.str().find("%soft"), std::string::npos);
	// only cpu1 did softirq work in this recording
	EXPECT_NE(out.str().find("spread of %soft: jain=0.500"), std::string::npos) << out.str();
	EXPECT_NE(out.str().find("spread of NET_RX: none"), std::string::npos) << out.str();
	nlohmann::json j = load_json(r);
	EXPECT_EQ(j["total"]["cpus"].size(), 3u);
	EXPECT_EQ(j["total"]["cpus"][0]["cpu"], "all");
	EXPECT_THROW(analyze_load({a}), ProcParseError);
}
