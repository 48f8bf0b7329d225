// SPDX-License-Identifier: GPL-2.0
#include "cpu_load.hpp"

#include <cmath>
#include <set>

namespace smcscale {

uint64_t counter_delta(uint64_t before, uint64_t after)
{
	if (after >= before)
		return after - before;
	if (before <= 0xffffffffULL)
		return (after - before) & 0xffffffffULL;
	return after;
}

CpuUtilization utilization(const CpuTimes &b, const CpuTimes &a)
{
	CpuUtilization u;
	const uint64_t user = counter_delta(b.user, a.user), nice = counter_delta(b.nice, a.nice);
	const uint64_t guest = counter_delta(b.guest, a.guest);
	const uint64_t guest_nice = counter_delta(b.guest_nice, a.guest_nice);
	const uint64_t system = counter_delta(b.system, a.system), idle = counter_delta(b.idle, a.idle);
	const uint64_t iowait = counter_delta(b.iowait, a.iowait), irq = counter_delta(b.irq, a.irq);
	const uint64_t softirq = counter_delta(b.softirq, a.softirq), steal = counter_delta(b.steal, a.steal);
	// user and nice include guest and guest_nice, which the interval must not count
	// twice. Guest time can run slightly ahead of user time; then usr is 0 and the
	// interval grows by the difference, as in sysstat.
	const uint64_t usr = user >= guest ? user - guest : 0;
	const uint64_t nic = nice >= guest_nice ? nice - guest_nice : 0;
	u.ticks = user + nice + system + idle + iowait + irq + softirq + steal + (guest - std::min(guest, user)) +
		  (guest_nice - std::min(guest_nice, nice));
	if (!u.ticks) {
		// no tick on this CPU in the interval: idle, as mpstat shows it
		u.idle = 100;
		return u;
	}
	const double t = static_cast<double>(u.ticks);
	auto pc = [t](uint64_t v) { return static_cast<double>(v) * 100.0 / t; };
	u.usr = pc(usr);
	u.nice = pc(nic);
	u.sys = pc(system);
	u.iowait = pc(iowait);
	u.irq = pc(irq);
	u.soft = pc(softirq);
	u.steal = pc(steal);
	u.guest = pc(guest);
	u.gnice = pc(guest_nice);
	u.idle = pc(idle);
	return u;
}

std::vector<CpuUtilization> cpu_utilization(const StatSnapshot &before, const StatSnapshot &after)
{
	std::vector<CpuUtilization> rows;
	rows.push_back(utilization(before.all, after.all));
	std::set<unsigned> cpus;
	for (const auto &[cpu, t] : before.cpus)
		cpus.insert(cpu);
	for (const auto &[cpu, t] : after.cpus)
		cpus.insert(cpu);
	for (unsigned cpu : cpus) {
		auto b = before.cpus.find(cpu), a = after.cpus.find(cpu);
		CpuUtilization u;
		if (b != before.cpus.end() && a != after.cpus.end()) {
			u = utilization(b->second, a->second);
		} else {
			// went offline or came online during the interval: no comparable counts
			u.online = false;
		}
		u.cpu = cpu;
		rows.push_back(u);
	}
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
