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
	// realistic totals: user includes guest; in this interval guest grew 12, user 10
	CpuTimes a, b;
	a.user = 90000, a.guest = 45000, a.system = 15000, a.idle = 250000;
	b = a;
	b.user += 10, b.guest += 12, b.system += 20, b.idle += 58;
	CpuUtilization u = utilization(a, b);
	EXPECT_EQ(u.ticks, 90u); // 10 + 20 + 58, and 2 for guest beyond user
	EXPECT_DOUBLE_EQ(u.usr, 0.0);
	EXPECT_DOUBLE_EQ(u.guest, 1200.0 / 90);
	EXPECT_DOUBLE_EQ(u.sys, 2000.0 / 90);
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
	LoadInterval in{0, 1, rows, d, {}};
	auto v = per_cpu(in, "TASKLET");
	EXPECT_EQ(v.size(), 2u); // the offline CPU is left out
}

TEST(ProcStat, IdleRestartsWhenACpuComesBackOnline)
{
	// cpu0 was offline: its idle restarted from 0 (12345 -> 50), user and system kept
	// their values. mpstat counts the new idle from 0: 20 + 10 + 50 = 80 ticks.
	StatSnapshot a = parse_proc_stat("cpu 0 0 0 0\ncpu0 1000 0 400 12345 0 0 200 0 0 0\n");
	StatSnapshot b = parse_proc_stat("cpu 0 0 0 0\ncpu0 1020 0 400 50 0 0 210 0 0 0\n");
	CpuUtilization u = cpu_utilization(a, b)[1];
	EXPECT_EQ(u.ticks, 80u);
	EXPECT_DOUBLE_EQ(u.soft, 12.5);
	EXPECT_DOUBLE_EQ(u.usr, 25.0);
	EXPECT_DOUBLE_EQ(u.idle, 62.5);
	// and the "all" row is the sum of the CPUs, not a 32-bit wrap of idle
	EXPECT_DOUBLE_EQ(cpu_utilization(a, b)[0].soft, 12.5);
}

TEST(ProcStat, IowaitSteppingBackIsNotACpuRestart)
{
	// iowait went down by one tick while idle went up: a tick re-accounted as idle.
	CpuTimes a, b;
	a.user = 25000, a.system = 10000, a.idle = 450000, a.iowait = 2501;
	b = a;
	b.user += 100, b.system += 30, b.idle += 210, b.iowait -= 1;
	CpuUtilization u = utilization(a, b);
	EXPECT_EQ(u.ticks, 340u);
	EXPECT_DOUBLE_EQ(u.iowait, 0.0);
	EXPECT_DOUBLE_EQ(u.idle, 21000.0 / 340);
	// iowait and idle both went down: the CPU restarted, both count from 0
	b.idle = 30, b.iowait = 2;
	u = utilization(a, b);
	EXPECT_EQ(u.ticks, 100u + 30 + 30 + 2);
	EXPECT_DOUBLE_EQ(u.iowait, 200.0 / 162);
}

TEST(ProcStat, OnlyAValueNearTheTop64BitsIsAnOverflow)
{
	// idle just below 2^64 that comes back small wrapped; the interval stays right and,
	// as in sysstat, the wrapped field itself shows 0 %.
	CpuTimes a, b;
	a.user = 10000, a.system = 4000, a.idle = UINT64_MAX - 100;
	b = a;
	b.user += 50, b.system += 20, b.idle = 60;
	CpuUtilization u = utilization(a, b);
	EXPECT_EQ(u.ticks, 50u + 20 + 161);
	EXPECT_DOUBLE_EQ(u.idle, 0.0);
	// a large value that is not near the top is a restart, whatever its size
	a.idle = 5000000000ULL;
	u = utilization(a, b);
	EXPECT_EQ(u.ticks, 50u + 20 + 60);
	EXPECT_DOUBLE_EQ(u.idle, 6000.0 / 130);
}

TEST(ProcStat, SoftirqCountsWrapAt32Bits)
{
	// /proc/softirqs counts in unsigned int: a count below its old value wrapped
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
