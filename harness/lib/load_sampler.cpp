// SPDX-License-Identifier: GPL-2.0
#include "load_sampler.hpp"

#include "json_document.hpp"

#include "table.hpp"

#include <cstdio>

namespace smcscale {

const std::vector<std::string> kShownSoftirqs = {"TASKLET", "NET_RX", "NET_TX", "IRQ_POLL"};

namespace {

std::string fixed(double v, int digits = 2)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
	return buf;
}

nlohmann::json spread_json(const Spread &s)
{
	return {{"cpus", s.cpus},
		{"total", s.total},
		{"jain", s.jain},
		{"cv", s.cv},
		{"max_over_mean", s.max_over_mean},
		{"busiest_cpu", s.busiest_cpu},
		{"busiest_share", s.busiest_share},
		{"working_cpus", s.working_cpus}};
}

nlohmann::json interval_json(const LoadInterval &in)
{
	nlohmann::json cpus = nlohmann::json::array();
	for (const CpuUtilization &u : in.cpus) {
		nlohmann::json j = {{"cpu", u.cpu ? nlohmann::json(*u.cpu) : nlohmann::json("all")},
				    {"online", u.online},
				    {"ticks", u.ticks},
				    {"usr", u.usr},
				    {"nice", u.nice},
				    {"sys", u.sys},
				    {"iowait", u.iowait},
				    {"irq", u.irq},
				    {"soft", u.soft},
				    {"steal", u.steal},
				    {"guest", u.guest},
				    {"gnice", u.gnice},
				    {"idle", u.idle}};
		if (u.cpu)
			for (const std::string &row : kShownSoftirqs)
				j["softirqs"][row] = in.softirqs.get(row, *u.cpu);
		if (u.cpu && in.cq_work) {
			auto w = in.cq_work->find(*u.cpu);
			const CqWork work = w == in.cq_work->end() ? CqWork{} : w->second;
			j["cq_work"] = {{"runs", work.runs}, {"ns", work.ns}};
		}
		cpus.push_back(j);
	}
	nlohmann::json spreads;
	for (const std::string &m : {std::string("soft"), std::string("TASKLET"), std::string("NET_RX")})
		spreads[m] = spread_json(spread(per_cpu(in, m)));
	if (in.cq_work)
		spreads["cq_work"] = spread_json(spread(per_cpu(in, "cq_work")));
	return {{"start", in.start}, {"end", in.end}, {"cpus", cpus}, {"spread", spreads}};
}

} // namespace

LoadSample read_load_sample(const std::string &proc_root, double time, const CqWorkTracer *tracer)
{
	LoadSample s;
	s.time = time;
	s.stat = parse_proc_stat(read_proc_file(proc_root + "/stat"));
	s.softirqs = parse_proc_softirqs(read_proc_file(proc_root + "/softirqs"));
	if (tracer)
		s.cq_work = tracer->read();
	return s;
}

LoadReport analyze_load(const std::vector<LoadSample> &samples)
{
	if (samples.size() < 2)
		throw ProcParseError("need at least two samples, got " + std::to_string(samples.size()));
	auto interval = [](const LoadSample &a, const LoadSample &b) {
		LoadInterval in;
		in.start = a.time;
		in.end = b.time;
		in.cpus = cpu_utilization(a.stat, b.stat);
		in.softirqs = softirq_delta(a.softirqs, b.softirqs);
		if (a.cq_work && b.cq_work)
			in.cq_work = cq_work_delta(*a.cq_work, *b.cq_work);
		return in;
	};
	LoadReport r;
	for (size_t i = 1; i < samples.size(); i++)
		r.intervals.push_back(interval(samples[i - 1], samples[i]));
	r.total = interval(samples.front(), samples.back());
	std::map<std::string, const LoadSample *> starts;
	for (const LoadSample &s : samples)
		for (const std::string &m : s.marks) {
			const auto dot = m.rfind('.');
			if (dot == std::string::npos)
				continue;
			const std::string name = m.substr(0, dot), edge = m.substr(dot + 1);
			if (edge == "start")
				starts[name] = &s;
			else if (edge == "end" && starts.count(name))
				r.marked[name] = interval(*starts[name], s);
		}
	return r;
}

std::vector<std::pair<unsigned, double>> per_cpu(const LoadInterval &in, const std::string &measure)
{
	std::vector<std::pair<unsigned, double>> out;
	for (const CpuUtilization &u : in.cpus) {
		if (!u.cpu || !u.online)
			continue;
		double v;
		if (measure == "soft") {
			v = u.soft;
		} else if (measure == "cq_work") {
			if (!in.cq_work)
				continue;
			auto w = in.cq_work->find(*u.cpu);
			v = w == in.cq_work->end() ? 0 : static_cast<double>(w->second.ns);
		} else {
			v = static_cast<double>(in.softirqs.get(measure, *u.cpu));
		}
		out.emplace_back(*u.cpu, v);
	}
	return out;
}

void render_load(std::ostream &out, const LoadInterval &in)
{
	// TASKLET counts every tasklet run, rxe's own included; CQ-WORK is the time of SMC's
	// CQ tasklets alone (tracefs), where it was measured.
	std::vector<std::string> header = {"CPU",	  "%usr",   "%nice",  "%sys",   "%iowait", "%irq",
					   "%soft", "%steal", "%guest", "%gnice", "%idle"};
	for (const std::string &row : kShownSoftirqs)
		header.push_back(row == "TASKLET" ? "TASKLET(all)" : row);
	if (in.cq_work)
		header.insert(header.end(), {"CQ-WORK-ms", "CQ-RUNS"});
	Table t(header);
	for (const CpuUtilization &u : in.cpus) {
		std::vector<std::string> row = {u.cpu ? std::to_string(*u.cpu) : "all"};
		if (!u.online) {
			row.insert(row.end(), header.size() - 1, "offline");
			t.add(row);
			continue;
		}
		for (double v : {u.usr, u.nice, u.sys, u.iowait, u.irq, u.soft, u.steal, u.guest, u.gnice, u.idle})
			row.push_back(fixed(v));
		for (const std::string &name : kShownSoftirqs) {
			uint64_t sum = 0;
			if (u.cpu)
				sum = in.softirqs.get(name, *u.cpu);
			else
				for (unsigned cpu : in.softirqs.cpus)
					sum += in.softirqs.get(name, cpu);
			row.push_back(std::to_string(sum));
		}
		if (in.cq_work) {
			CqWork w;
			for (const auto &[cpu, c] : *in.cq_work)
				if (!u.cpu || cpu == *u.cpu) {
					w.runs += c.runs;
					w.ns += c.ns;
				}
			row.push_back(fixed(static_cast<double>(w.ns) / 1e6, 1));
			row.push_back(std::to_string(w.runs));
		}
		t.add(row);
	}
	t.print(out);
	std::vector<std::pair<std::string, std::string>> measures = {
		{"soft", "%soft"}, {"TASKLET", "all tasklets (rxe included)"}, {"NET_RX", "NET_RX"}};
	if (in.cq_work)
		measures.emplace_back("cq_work", "SMC CQ work");
	for (const auto &[m, label] : measures) {
		const Spread s = spread(per_cpu(in, m));
		out << "spread of " << label << ": ";
		if (s.total <= 0) {
			out << "none\n";
			continue;
		}
		out << "jain=" << fixed(s.jain, 3) << " cv=" << fixed(s.cv, 3) << " max/mean=" << fixed(s.max_over_mean)
		    << " busiest=cpu" << s.busiest_cpu << " (" << fixed(100 * s.busiest_share, 1) << "%) working="
		    << s.working_cpus << "/" << s.cpus << "\n";
	}
}

nlohmann::json load_json(const LoadReport &r)
{
	nlohmann::json intervals = nlohmann::json::array();
	for (const LoadInterval &in : r.intervals)
		intervals.push_back(interval_json(in));
	nlohmann::json marked = nlohmann::json::object();
	for (const auto &[name, in] : r.marked)
		marked[name] = interval_json(in);
	return json_document("smc-softirq.load",
			     {{"total", interval_json(r.total)}, {"intervals", intervals}, {"marked", marked}});
}

} // namespace smcscale
