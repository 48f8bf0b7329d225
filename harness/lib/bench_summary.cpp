// SPDX-License-Identifier: GPL-2.0
#include "bench_summary.hpp"

#include "child_process.hpp"
#include "error.hpp"
#include "json_document.hpp"
#include "run_report.hpp"
#include "table.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace smcscale {

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kVariantOrder = {"stock", "patched", "patched-1pair", "tcp"};

size_t variant_rank(const std::string &v)
{
	auto it = std::find(kVariantOrder.begin(), kVariantOrder.end(), v);
	return static_cast<size_t>(it - kVariantOrder.begin());
}

nlohmann::json stat_json(const Stat &s)
{
	return {{"n", s.n}, {"median", s.median}, {"min", s.min}, {"max", s.max}};
}

std::string fmt(double v, int digits)
{
	char buf[64];
	std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
	return buf;
}

std::string fmt_stat(const nlohmann::json &s, int digits, double scale = 1)
{
	if (!s.is_object() || s.value("n", 0) == 0)
		return "-";
	const double med = s["median"].get<double>() * scale, lo = s["min"].get<double>() * scale,
		     hi = s["max"].get<double>() * scale;
	if (s["n"].get<int>() == 1)
		return fmt(med, digits);
	return fmt(med, digits) + " [" + fmt(lo, digits) + "-" + fmt(hi, digits) + "]";
}

// The group a point belongs to: TCP points are their own variant, whatever boot ran
// them. Ordered by workload, connections, then the variants' usual order.
struct Key {
	std::string workload;
	unsigned connections;
	std::string variant;
	bool operator<(const Key &o) const
	{
		return std::make_tuple(workload, connections, variant_rank(variant), variant) <
		       std::make_tuple(o.workload, o.connections, variant_rank(o.variant), o.variant);
	}
};

std::string variant_of(const nlohmann::json &p)
{
	return p["family"] == "tcp" ? "tcp" : p["variant"].get<std::string>();
}

double num(const nlohmann::json &j, const char *ptr)
{
	const nlohmann::json::json_pointer p(ptr);
	return j.contains(p) && j.at(p).is_number() ? j.at(p).get<double>() : std::nan("");
}

Stat stat_of_field(const std::vector<const nlohmann::json *> &points, const char *ptr)
{
	std::vector<double> v;
	for (const nlohmann::json *p : points) {
		const double x = num(*p, ptr);
		if (!std::isnan(x))
			v.push_back(x);
	}
	return stat_of(v);
}

} // namespace

Stat stat_of(std::vector<double> values)
{
	Stat s;
	s.n = values.size();
	if (values.empty())
		return s;
	std::sort(values.begin(), values.end());
	s.min = values.front();
	s.max = values.back();
	const size_t mid = values.size() / 2;
	s.median = values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
	return s;
}

namespace {

// The run directories under 'dir' (none when it does not exist), in name order.
std::vector<fs::path> run_dirs(const fs::path &dir)
{
	std::vector<fs::path> runs;
	if (fs::is_directory(dir))
		for (const auto &e : fs::directory_iterator(dir))
			if (e.is_directory())
				runs.push_back(e.path());
	std::sort(runs.begin(), runs.end());
	return runs;
}

// The first line of a run's FAILED file: why scripts/bench counted it failed.
std::string failure_reason(const fs::path &run)
{
	std::ifstream f(run / "FAILED");
	std::string why;
	std::getline(f, why);
	return why.empty() ? "(no reason recorded)" : why;
}

} // namespace

nlohmann::json summarize_bench(const std::string &out_dir)
{
	const fs::path out(out_dir);
	nlohmann::json bench = fs::exists(out / "bench.env") ? read_env((out / "bench.env").string()) : nlohmann::json::object();
	std::vector<nlohmann::json> all;
	nlohmann::json failed = nlohmann::json::array();
	// first attempts lost to a testbed artefact and run again (scripts/bench): named, not read
	nlohmann::json retried = nlohmann::json::array();
	for (const fs::path &run : run_dirs(out / "retried"))
		retried.push_back({{"run", run.filename().string()}, {"reason", failure_reason(run)}});
	for (const fs::path &run : run_dirs(out / "runs")) {
		if (fs::exists(run / "FAILED"))
			failed.push_back({{"run", run.filename().string()}, {"reason", failure_reason(run)}});
		const fs::path file = run / "points.json";
		if (!fs::exists(file))
			continue;
		nlohmann::json doc;
		try {
			std::ifstream in(file);
			doc = nlohmann::json::parse(in);
		} catch (const nlohmann::json::exception &e) {
			throw Error(file.string() + ": not valid JSON: " + e.what());
		}
		expect_schema(doc, "smc-bench.run", kSchemaVersion, file.string());
		for (const nlohmann::json &p : doc.at("points"))
			all.push_back(p);
	}

	std::map<Key, std::vector<const nlohmann::json *>> groups;
	// (workload, connections, variant, rep) -> qps of a valid point, for the ratios
	std::map<std::tuple<std::string, unsigned, std::string, unsigned>, double> qps;
	for (const nlohmann::json &p : all) {
		const Key k{p["workload"], p["connections"], variant_of(p)};
		groups[k].push_back(&p);
		if (p.value("valid", false))
			qps[{k.workload, k.connections, k.variant, p["rep"].get<unsigned>()}] = p["qps"].get<double>();
	}
	auto ratio_stat = [&](const Key &k, const std::string &against) {
		std::vector<double> r;
		for (const auto &[key, q] : qps) {
			const auto &[w, c, v, rep] = key;
			if (w != k.workload || c != k.connections || v != k.variant)
				continue;
			auto base = qps.find({w, c, against, rep});
			if (base != qps.end() && base->second > 0)
				r.push_back(q / base->second);
		}
		return stat_of(r);
	};

	nlohmann::json out_groups = nlohmann::json::array();
	for (const auto &[k, points] : groups) {
		std::vector<const nlohmann::json *> valid;
		std::set<std::string> reasons;
		for (const nlohmann::json *p : points) {
			if (p->value("valid", false))
				valid.push_back(p);
			else
				for (const auto &r : (*p)["invalid_reasons"])
					reasons.insert("rep " + std::to_string((*p)["rep"].get<unsigned>()) + ": " +
						       r.get<std::string>());
		}
		nlohmann::json g = {{"workload", k.workload},
				    {"connections", k.connections},
				    {"variant", k.variant},
				    {"runs", points.size()},
				    {"valid", valid.size()},
				    {"invalid_reasons", std::vector<std::string>(reasons.begin(), reasons.end())},
				    {"qps", stat_json(stat_of_field(valid, "/qps"))},
				    {"p50_us", stat_json(stat_of_field(valid, "/p50_us"))},
				    {"p99_us", stat_json(stat_of_field(valid, "/p99_us"))},
				    {"cq_busiest_share", stat_json(stat_of_field(valid, "/cq_work/busiest_share"))},
				    {"cq_jain", stat_json(stat_of_field(valid, "/cq_work/jain_completion_cpus"))},
				    {"cq_working_cpus", stat_json(stat_of_field(valid, "/cq_work/working_cpus"))},
				    {"link_groups", stat_json(stat_of_field(valid, "/link_groups"))},
				    {"softirq_us_per_request", stat_json(stat_of_field(valid, "/softirq_us_per_request"))},
				    {"nic_server_host_pct", stat_json(stat_of_field(valid, "/nic/server_host_pct"))},
				    {"nic_server_guest_busy_pct", stat_json(stat_of_field(valid, "/nic/server_guest_busy_pct"))},
				    {"nic_client_host_pct", stat_json(stat_of_field(valid, "/nic/client_host_pct"))},
				    {"setup_errors", stat_json(stat_of_field(points, "/setup_errors"))},
				    {"handshake_errors_client", stat_json(stat_of_field(points, "/handshake_errors/client"))}};
		uint64_t fallbacks = 0;
		for (const nlohmann::json *p : points)
			fallbacks += (*p)["fallbacks"].value("server", 0ULL) + (*p)["fallbacks"].value("client", 0ULL);
		g["fallbacks"] = fallbacks;
		// per server CPU: %soft, CQ work and its share, median over the valid points
		std::map<unsigned, std::vector<double>> soft, work, share;
		for (const nlohmann::json *p : valid) {
			const double total = num(*p, "/cq_work/total_ms");
			for (const auto &c : (*p)["server_cpus"]) {
				const unsigned cpu = c["cpu"];
				soft[cpu].push_back(c.value("soft", 0.0));
				work[cpu].push_back(c.value("cq_work_ms", 0.0));
				share[cpu].push_back(total > 0 ? c.value("cq_work_ms", 0.0) / total : 0.0);
			}
		}
		nlohmann::json cpus = nlohmann::json::array();
		for (const auto &[cpu, v] : soft)
			cpus.push_back({{"cpu", cpu},
					{"soft", stat_json(stat_of(v))},
					{"cq_work_ms", stat_json(stat_of(work[cpu]))},
					{"cq_work_share", stat_json(stat_of(share[cpu]))}});
		g["server_cpus"] = cpus;
		if (k.variant != "stock" && k.variant != "tcp")
			g["qps_vs_stock"] = stat_json(ratio_stat(k, "stock"));
		if (k.variant == "stock")
			g["smc_vs_tcp"] = stat_json(ratio_stat(k, "tcp"));
		out_groups.push_back(g);
	}

	// The benchmark's targets, with what was measured.
	auto find = [&](const std::string &w, unsigned c, const std::string &v) -> const nlohmann::json * {
		for (const nlohmann::json &g : out_groups)
			if (g["workload"] == w && g["connections"] == c && g["variant"] == v)
				return &g;
		return nullptr;
	};
	nlohmann::json targets = nlohmann::json::array();
	auto target = [&](const std::string &what, bool met, const std::string &measured, bool measurable) {
		targets.push_back({{"target", what}, {"met", measurable && met}, {"measured", measured},
				   {"status", !measurable ? "not measured" : met ? "met" : "missed"}});
	};
	{
		double worst = 2;
		std::string where;
		for (const nlohmann::json &g : out_groups)
			if (g["variant"] == "stock" && g["cq_busiest_share"]["n"].get<int>() > 0 &&
			    g["cq_busiest_share"]["median"].get<double>() < worst) {
				worst = g["cq_busiest_share"]["median"];
				where = g["workload"].get<std::string>() + " " + std::to_string(g["connections"].get<unsigned>());
			}
		target("stock: the busiest CPU does >= 80 % of SMC's completion work", worst >= 0.8,
		       worst <= 1 ? "lowest median " + fmt(100 * worst, 1) + " % (" + where + ")" : "-", worst <= 1);
	}
	for (const std::string w : {"nginx", "rr"})
		for (unsigned c : {400u, 800u})
			if (const nlohmann::json *g = find(w, c, "patched")) {
				const auto &j = (*g)["cq_jain"];
				target("patched, " + w + " " + std::to_string(c) + " connections: Jain's index >= 0.9 over the completion CPUs",
				       j["n"].get<int>() > 0 && j["median"].get<double>() >= 0.9, fmt_stat(j, 3), j["n"].get<int>() > 0);
			}
	for (const std::string w : {"nginx", "rr"})
		if (const nlohmann::json *g = find(w, 800, "patched")) {
			const auto &r = (*g)["qps_vs_stock"];
			target("capped QPS patched/stock >= 1.5x at 800 connections (" + w + ")" +
				       (bench.value("cap", "none") == "none" ? " [uncapped run]" : ""),
			       r["n"].get<int>() > 0 && r["median"].get<double>() >= 1.5, fmt_stat(r, 2), r["n"].get<int>() > 0);
		}
	{
		double worst = 0;
		bool any = false;
		for (const nlohmann::json &g : out_groups)
			if (g["variant"] == "patched-1pair" && g["qps_vs_stock"]["n"].get<int>() > 0) {
				any = true;
				worst = std::max(worst, std::fabs(g["qps_vs_stock"]["median"].get<double>() - 1));
			}
		target("one-pair control within 10 % of stock", worst <= 0.1,
		       any ? "largest median deviation " + fmt(100 * worst, 1) + " %" : "-", any);
	}
	{
		uint64_t fb = 0;
		for (const nlohmann::json &g : out_groups)
			fb += g["fallbacks"].get<uint64_t>();
		target("no fallback to TCP anywhere", fb == 0, std::to_string(fb) + " connection(s) fell back", !all.empty());
	}
	return json_document("smc-bench.summary",
			     {{"bench", bench}, {"groups", out_groups}, {"targets", targets}, {"failed_runs", failed},
			      {"retried_runs", retried}, {"points", all.size()}});
}

void render_bench_summary(std::ostream &out, const nlohmann::json &s)
{
	const nlohmann::json &b = s["bench"];
	out << "smc-bench: " << b.value("reps", "?") << " repetition(s), " << b.value("duration", "?") << " s points, server "
	    << b.value("server_vcpus", "?") << " vCPUs, client " << b.value("client_vcpus", "?") << " vCPUs, caps "
	    << b.value("cap", "?") << (b.value("cap_note", "").empty() ? "" : " (" + b.value("cap_note", "") + ")")
	    << "\n";
	out << "medians [min-max] of the valid repetitions; ratios per repetition against stock\n\n";
	for (const std::string w : {"nginx", "rr"}) {
		Table t({"Conns", "Variant", "Valid", "QPS", "vs-stock", "SMC/TCP", "p50-ms", "p99-ms", "CQ-busiest-%",
			 "CQ-Jain", "LGs", "NIC-host-%", "soft-us/req", "Fallbacks"});
		for (const nlohmann::json &g : s["groups"]) {
			if (g["workload"] != w)
				continue;
			const bool tcp = g["variant"] == "tcp";
			auto smc_only = [&](const std::string &v) { return tcp ? std::string("-") : v; };
			t.add({std::to_string(g["connections"].get<unsigned>()), g["variant"],
			       std::to_string(g["valid"].get<size_t>()) + "/" + std::to_string(g["runs"].get<size_t>()),
			       fmt_stat(g["qps"], 0), g.contains("qps_vs_stock") ? fmt_stat(g["qps_vs_stock"], 2) : "-",
			       g.contains("smc_vs_tcp") ? fmt_stat(g["smc_vs_tcp"], 2) : "-", fmt_stat(g["p50_us"], 1, 1e-3),
			       fmt_stat(g["p99_us"], 1, 1e-3), smc_only(fmt_stat(g["cq_busiest_share"], 1, 100)),
			       smc_only(fmt_stat(g["cq_jain"], 2)), smc_only(fmt_stat(g["link_groups"], 0)),
			       fmt_stat(g["nic_server_host_pct"], 0),
			       fmt_stat(g["softirq_us_per_request"], 0), std::to_string(g["fallbacks"].get<uint64_t>())});
		}
		if (t.empty())
			continue;
		out << (w == "nginx" ? "nginx + wrk (HTTP, keep-alive)" : "request/response, 64 bytes (smc-traffic)") << ":\n";
		t.print(out);
		out << "\n";
	}
	for (const nlohmann::json &g : s["groups"])
		for (const auto &r : g["invalid_reasons"])
			out << "invalid: " << g["workload"].get<std::string>() << " " << g["connections"].get<unsigned>() << " "
			    << g["variant"].get<std::string>() << ": " << r.get<std::string>() << "\n";
	for (const auto &f : s["failed_runs"])
		out << "failed run: " << f["run"].get<std::string>() << ": " << f["reason"].get<std::string>() << "\n";
	for (const auto &f : s.value("retried_runs", nlohmann::json::array()))
		out << "run again in fresh guests: " << f["run"].get<std::string>() << ", its first attempt: "
		    << f["reason"].get<std::string>() << "\n";
	out << "\ntargets:\n";
	for (const auto &t : s["targets"])
		out << "  " << t["status"].get<std::string>() << ": " << t["target"].get<std::string>() << " -- "
		    << t["measured"].get<std::string>() << "\n";
}

std::vector<std::string> write_bench_charts(const std::string &out_dir, const nlohmann::json &s)
{
	const fs::path dir = fs::path(out_dir) / "charts";
	fs::create_directories(dir);
	std::vector<std::string> written;
	std::vector<std::string> variants;
	std::set<unsigned> conns;
	for (const nlohmann::json &g : s["groups"]) {
		if (std::find(variants.begin(), variants.end(), g["variant"]) == variants.end())
			variants.push_back(g["variant"]);
		conns.insert(g["connections"].get<unsigned>());
	}
	std::sort(variants.begin(), variants.end(),
		  [](const std::string &a, const std::string &b) { return variant_rank(a) < variant_rank(b); });
	auto group = [&](const std::string &w, unsigned c, const std::string &v) -> const nlohmann::json * {
		for (const nlohmann::json &g : s["groups"])
			if (g["workload"] == w && g["connections"] == c && g["variant"] == v)
				return &g;
		return nullptr;
	};
	std::ostringstream gp;
	auto both_terminals = [&](const std::string &name, const std::string &plot) {
		for (const auto &[term, ext] : {std::pair<std::string, std::string>{"pngcairo size 900,560", "png"},
						 {"svg size 900,560 dynamic", "svg"}}) {
			gp << "reset\nset terminal " << term << "\nset output '" << (dir / (name + "." + ext)).string() << "'\n"
			   << plot << "\n";
			written.push_back((dir / (name + "." + ext)).string());
		}
	};
	const std::string title_note = s["bench"].value("cap", "none") == "none" ? " (uncapped)" : " (server vCPUs capped)";
	for (const std::string w : {"nginx", "rr"}) {
		// QPS and p99 against connections, one line per variant, min-max bars
		for (const std::string &metric : {std::string("qps"), std::string("p99_us")}) {
			const std::string name = metric == "qps" ? "qps-" + w : "p99-" + w;
			std::ofstream dat(dir / (name + ".dat"));
			dat << "# connections, then per variant: median min max\n# variants:";
			for (const auto &v : variants)
				dat << " " << v;
			dat << "\n";
			bool any = false;
			for (unsigned c : conns) {
				dat << c;
				for (const auto &v : variants) {
					const nlohmann::json *g = group(w, c, v);
					const double scale = metric == "qps" ? 1 : 1e-3;
					if (g && (*g)[metric]["n"].get<int>() > 0) {
						any = true;
						dat << " " << (*g)[metric]["median"].get<double>() * scale << " "
						    << (*g)[metric]["min"].get<double>() * scale << " "
						    << (*g)[metric]["max"].get<double>() * scale;
					} else {
						dat << " NaN NaN NaN";
					}
				}
				dat << "\n";
			}
			if (!any)
				continue;
			std::ostringstream plot;
			plot << "set title '" << (w == "nginx" ? "nginx + wrk" : "request/response") << ": "
			     << (metric == "qps" ? "requests per second" : "p99 latency (ms)") << title_note << "'\n"
			     << "set xlabel 'connections'\nset ylabel '" << (metric == "qps" ? "QPS" : "p99 ms") << "'\n"
			     << "set key left top\nset grid\nset logscale x 2\nset xrange [*:*]\nset yrange [0:*]\nplot ";
			for (size_t i = 0; i < variants.size(); i++)
				plot << (i ? ", " : "") << "'" << (dir / (name + ".dat")).string() << "' using 1:" << 2 + 3 * i << ":"
				     << 3 + 3 * i << ":" << 4 + 3 * i << " with yerrorlines lw 2 title '" << variants[i] << "'";
			both_terminals(name, plot.str());
		}
		// SMC's completion work and %soft per server CPU, at the most connections
		for (const std::string &metric : {std::string("cq_work_share"), std::string("soft")}) {
			const unsigned c = conns.empty() ? 0 : *conns.rbegin();
			const std::string name = (metric == "soft" ? "soft-" : "cqwork-") + w + "-" + std::to_string(c);
			std::ofstream dat(dir / (name + ".dat"));
			dat << "cpu";
			std::vector<std::string> shown;
			for (const auto &v : variants)
				if (v != "tcp" || metric == "soft")
					if (group(w, c, v))
						shown.push_back(v);
			for (const auto &v : shown)
				dat << " " << v;
			dat << "\n";
			std::set<unsigned> cpus;
			for (const auto &v : shown)
				for (const auto &cpu : (*group(w, c, v))["server_cpus"])
					cpus.insert(cpu["cpu"].get<unsigned>());
			if (cpus.empty())
				continue;
			for (unsigned cpu : cpus) {
				dat << cpu;
				for (const auto &v : shown) {
					double val = 0;
					for (const auto &x : (*group(w, c, v))["server_cpus"])
						if (x["cpu"] == cpu)
							val = x[metric]["median"].get<double>() * (metric == "soft" ? 1 : 100);
					dat << " " << val;
				}
				dat << "\n";
			}
			std::ostringstream plot;
			plot << "set title '" << (w == "nginx" ? "nginx" : "req/resp") << ", " << c << " conns: "
			     << (metric == "soft" ? "%soft per server CPU" : "share of SMC CQ work per server CPU")
			     << title_note << "'\n"
			     << "set style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.8\n"
			     << "set key outside right top\nset grid ytics\nset yrange [0:*]\nset xlabel 'server CPU (the last is the NIC vCPU)'\n"
			     << "set ylabel '" << (metric == "soft" ? "%soft" : "% of SMC CQ tasklet time") << "'\nplot ";
			for (size_t i = 0; i < shown.size(); i++)
				plot << (i ? ", " : "") << "'" << (dir / (name + ".dat")).string() << "' using " << i + 2
				     << (i ? "" : ":xtic(1)") << " title '" << shown[i] << "'";
			both_terminals(name, plot.str());
		}
	}
	const fs::path script = dir / "charts.gp";
	{
		std::ofstream f(script);
		f << gp.str();
		if (!f)
			throw Error("writing " + script.string() + " failed");
	}
	if (written.empty())
		return written;
	ChildProcess gnuplot({"gnuplot", script.string()});
	const int status = gnuplot.wait();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		throw Error("gnuplot " + script.string() + ": " + ChildProcess::describe(status));
	return written;
}

} // namespace smcscale
