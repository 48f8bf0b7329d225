// SPDX-License-Identifier: GPL-2.0
#include "cpu_load.hpp"

#include <cmath>
#include <cstdint>
#include <set>

namespace smcscale {

namespace {

// sysstat takes an old value this close to 2^64 as an overflow, not a restart.
constexpr uint64_t kNearOverflow = UINT64_MAX - 0x7ffff;

// The fields that make up a CPU's time (guest is part of user, guest_nice of nice).
uint64_t total_ticks(const CpuTimes &t)
{
	return t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
}

// sysstat's get_per_cpu_interval(): the ticks of the interval, after taking idle and
// iowait that went down as restarts (which changes 'before', as sysstat does). The
// arithmetic is modulo 2^64 on purpose, like sysstat's.
uint64_t interval_ticks(CpuTimes &before, const CpuTimes &after)
{
	uint64_t shift = 0;
	if (after.user - after.guest < before.user - before.guest)
		shift += (before.user - before.guest) - (after.user - after.guest);
	if (after.nice - after.guest_nice < before.nice - before.guest_nice)
		shift += (before.nice - before.guest_nice) - (after.nice - after.guest_nice);
	if (after.iowait < before.iowait && before.iowait < kNearOverflow) {
		// idle went up: iowait was re-accounted as idle; otherwise the CPU restarted
		if (after.idle > before.idle || before.idle >= kNearOverflow)
			before.iowait = after.iowait;
		else
			before.iowait = 0;
	}
	if (after.idle < before.idle && before.idle < kNearOverflow)
		before.idle = 0;
	return total_ticks(after) - total_ticks(before) + shift;
}

// sysstat's ll_sp_value(): a counter that went down shows no time.
double percent(uint64_t before, uint64_t after, uint64_t ticks)
{
	if (after < before)
		return 0;
	return static_cast<double>(after - before) * 100.0 / static_cast<double>(ticks);
}

// The percentages of an interval whose 'before' was already adjusted.
CpuUtilization percentages(const CpuTimes &b, const CpuTimes &a, uint64_t ticks)
{
	CpuUtilization u;
	u.ticks = ticks;
	if (!ticks) {
		// no tick on this CPU in the interval (tickless): idle, as mpstat shows it
		u.idle = 100;
		return u;
	}
	u.usr = a.user - a.guest < b.user - b.guest ? 0 : percent(b.user - b.guest, a.user - a.guest, ticks);
	u.nice = a.nice - a.guest_nice < b.nice - b.guest_nice
			 ? 0
			 : percent(b.nice - b.guest_nice, a.nice - a.guest_nice, ticks);
	u.sys = percent(b.system, a.system, ticks);
	u.iowait = percent(b.iowait, a.iowait, ticks);
	u.irq = percent(b.irq, a.irq, ticks);
	u.soft = percent(b.softirq, a.softirq, ticks);
	u.steal = percent(b.steal, a.steal, ticks);
	u.guest = percent(b.guest, a.guest, ticks);
	u.gnice = percent(b.guest_nice, a.guest_nice, ticks);
	u.idle = percent(b.idle, a.idle, ticks);
	return u;
}

void add_times(CpuTimes &sum, const CpuTimes &t)
{
	sum.user += t.user;
	sum.nice += t.nice;
	sum.system += t.system;
	sum.idle += t.idle;
	sum.iowait += t.iowait;
	sum.irq += t.irq;
	sum.softirq += t.softirq;
	sum.steal += t.steal;
	sum.guest += t.guest;
	sum.guest_nice += t.guest_nice;
}

} // namespace

CpuUtilization utilization(const CpuTimes &before, const CpuTimes &after)
{
	CpuTimes b = before;
	const uint64_t ticks = interval_ticks(b, after);
	return percentages(b, after, ticks);
}

std::vector<CpuUtilization> cpu_utilization(const StatSnapshot &before, const StatSnapshot &after)
{
	std::vector<CpuUtilization> rows(1);
	std::set<unsigned> cpus;
	for (const auto &[cpu, t] : before.cpus)
		cpus.insert(cpu);
	for (const auto &[cpu, t] : after.cpus)
		cpus.insert(cpu);
	CpuTimes all_before, all_after;
	uint64_t all_ticks = 0;
	for (unsigned cpu : cpus) {
		auto b = before.cpus.find(cpu), a = after.cpus.find(cpu);
		CpuUtilization u;
		if (b != before.cpus.end() && a != after.cpus.end()) {
			CpuTimes adjusted = b->second;
			const uint64_t ticks = interval_ticks(adjusted, a->second);
			u = percentages(adjusted, a->second, ticks);
			add_times(all_before, adjusted);
			add_times(all_after, a->second);
			all_ticks += ticks;
		} else {
			// went offline or came online during the interval: no comparable counts
			u.online = false;
		}
		u.cpu = cpu;
		rows.push_back(u);
	}
	rows[0] = percentages(all_before, all_after, all_ticks);
	return rows;
}

uint64_t SoftirqDelta::get(const std::string &row, unsigned cpu) const
{
	auto r = rows.find(row);
	if (r == rows.end())
		return 0;
	for (size_t i = 0; i < cpus.size(); i++)
		if (cpus[i] == cpu)
			return r->second[i];
	return 0;
}

SoftirqDelta softirq_delta(const SoftirqSnapshot &before, const SoftirqSnapshot &after)
{
	if (before.cpus != after.cpus)
		throw ProcParseError("/proc/softirqs: the CPU columns changed between two samples");
	SoftirqDelta d;
	d.cpus = after.cpus;
	for (const auto &[name, counts] : after.rows) {
		auto b = before.rows.find(name);
		if (b == before.rows.end())
			continue;
		std::vector<uint64_t> out(counts.size());
		// the kernel counts in unsigned int: a counter below its old value wrapped
		for (size_t i = 0; i < counts.size(); i++)
			out[i] = counts[i] >= b->second[i] ? counts[i] - b->second[i]
							   : (counts[i] - b->second[i]) & 0xffffffffULL;
		d.rows.emplace(name, std::move(out));
	}
	return d;
}

Spread spread(const std::vector<std::pair<unsigned, double>> &per_cpu)
{
	Spread s;
	s.cpus = per_cpu.size();
	double sum = 0, sum_sq = 0, max = -1;
	for (const auto &[cpu, x] : per_cpu) {
		sum += x;
		sum_sq += x * x;
		if (x > max) {
			max = x;
			s.busiest_cpu = cpu;
		}
	}
	s.total = sum;
	if (s.cpus == 0 || sum <= 0)
		return s;
	const double n = static_cast<double>(s.cpus), mean = sum / n;
	s.jain = sum * sum / (n * sum_sq);
	s.cv = std::sqrt(std::max(0.0, sum_sq / n - mean * mean)) / mean;
	s.max_over_mean = max / mean;
	s.busiest_share = max / sum;
	for (const auto &[cpu, x] : per_cpu)
		s.working_cpus += x >= 0.01 * sum;
	return s;
}

} // namespace smcscale
