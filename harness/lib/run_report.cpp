// SPDX-License-Identifier: GPL-2.0
#include "run_report.hpp"

#include "error.hpp"
#include "table.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace smcscale {

namespace {

namespace fs = std::filesystem;

std::optional<nlohmann::json> read_json(const fs::path &path)
{
	std::ifstream in(path);
	if (!in)
		return std::nullopt;
	try {
		return nlohmann::json::parse(in);
	} catch (const nlohmann::json::exception &e) {
		throw Error(path.string() + ": not valid JSON: " + e.what());
	}
}

nlohmann::json read_env(const fs::path &path)
{
	std::ifstream in(path);
	if (!in)
		throw Error(path.string() + ": cannot read (not a run directory?)");
	nlohmann::json env = nlohmann::json::object();
	std::string line;
	size_t n = 0;
	while (std::getline(in, line)) {
		n++;
		if (line.empty() || line[0] == '#')
			continue;
		auto eq = line.find('=');
		if (eq == std::string::npos || eq == 0)
			throw Error(path.string() + " line " + std::to_string(n) + ": not key=value");
		env[line.substr(0, eq)] = line.substr(eq + 1);
	}
	return env;
}

nlohmann::json role_report(const fs::path &dir)
{
	nlohmann::json r = nlohmann::json::object();
	const fs::path state = dir / "state";
	if (auto v = read_json(state / "linkgroup.json"))
		r["link_groups"] = *v;
	if (auto v = read_json(state / "link.json"))
		r["links"] = *v;
	if (auto v = read_json(state / "device.json"))
		r["devices"] = *v;
	if (auto v = read_json(state / "fallback.json"))
		r["fallbacks"] = *v;
	if (auto v = read_json(state / "stats.json"))
		r["smcr_stats"] = (*v)["smcr"];
	if (auto v = read_json(dir / "traffic.json"))
		r["traffic"] = *v;
	if (auto v = read_json(dir / "softirq.json"))
		r["load"] = (*v)["total"];
	std::ifstream exit_file(dir / "exit");
	std::string exit_status;
	if (exit_file >> exit_status)
		r["exit"] = exit_status;
	return r;
}

std::string fmt(double v, int digits = 1)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
	return buf;
}

std::string value(const nlohmann::json &j, const nlohmann::json::json_pointer &p, const std::string &fallback = "-")
{
	if (!j.contains(p))
		return fallback;
	const nlohmann::json &v = j.at(p);
	if (v.is_string())
		return v.get<std::string>();
	if (v.is_number_float())
		return fmt(v.get<double>());
	return v.dump();
}

} // namespace

nlohmann::json read_run_report(const std::string &run_dir)
{
	const fs::path dir(run_dir);
	nlohmann::json report = {{"tool", "smc-report"}, {"run_dir", fs::absolute(dir).string()}};
	report["run"] = read_env(dir / "run.env");
	for (const char *role : {"server", "client"})
		if (fs::is_directory(dir / role))
			report["guests"][role] = role_report(dir / role);
	return report;
}

void render_run_report(std::ostream &out, const nlohmann::json &r)
{
	using P = nlohmann::json::json_pointer;
	const nlohmann::json &run = r.at("run");
	out << "run " << r.value("run_dir", "") << "\n";
	Table t({"KERNEL", "SMC", "SERIES-COMMIT", "VCPUS", "ACCEL"});
	t.add({value(run, P("/kernel")), value(run, P("/smc")), value(run, P("/smc_commit")).substr(0, 12),
	       value(run, P("/vcpus")), value(run, P("/accel"))});
	t.print(out);
	if (!r.contains("guests"))
		return;
	for (const auto &[role, g] : r.at("guests").items()) {
		out << "\n== " << role << " (exit " << value(g, P("/exit")) << ")\n";
		Table s({"LINK-GROUPS", "LINKS", "CQ-PAIRS", "FALLBACKS", "SMC-Rv2-CONNS", "RX-BYTES", "TX-BYTES"});
		const size_t fallbacks = g.contains("fallbacks") ? g["fallbacks"].value("client_total", 0ULL) +
									g["fallbacks"].value("server_total", 0ULL)
								: 0;
		s.add({g.contains("link_groups") ? std::to_string(g["link_groups"].size()) : "-",
		       g.contains("links") ? std::to_string(g["links"].size()) : "-", value(g, P("/devices/0/cq_pairs")),
		       g.contains("fallbacks") ? std::to_string(fallbacks) : "-",
		       std::to_string(g.contains("smcr_stats") ? g["smcr_stats"].value("client_v2_success", 0ULL) +
									g["smcr_stats"].value("server_v2_success", 0ULL)
							      : 0),
		       value(g, P("/smcr_stats/rx_bytes")), value(g, P("/smcr_stats/tx_bytes"))});
		s.print(out);
		if (g.contains("traffic") && g["traffic"].contains("results")) {
			const nlohmann::json &tr = g["traffic"];
			Table x({"MODE", "FAMILY", "CONNS", "REQUESTS", "QPS", "MBIT/S", "P50-US", "P99-US", "P99.9-US",
				 "VERIFIED", "ERRORS"});
			x.add({value(tr, P("/options/mode")), value(tr, P("/options/family")),
			       value(tr, P("/results/connections_completed")), value(tr, P("/results/requests")),
			       value(tr, P("/results/qps")), value(tr, P("/results/throughput_mbit_s")),
			       value(tr, P("/results/latency_us/p50")), value(tr, P("/results/latency_us/p99")),
			       value(tr, P("/results/latency_us/p99.9")), value(tr, P("/results/bytes_verified")),
			       value(tr, P("/results/errors"))});
			x.print(out);
		}
		if (g.contains("devices") && !g["devices"].empty() && g["devices"][0].contains("cqs")) {
			Table c({"DIR", "CQ", "VECTOR", "LINKS", "COMPLETIONS", "RUNS", "BUDGET-HITS"});
			for (const auto &cq : g["devices"][0]["cqs"])
				c.add({value(cq, P("/direction")), value(cq, P("/index")), value(cq, P("/vector")),
				       value(cq, P("/load")), value(cq, P("/completions")), value(cq, P("/tasklet_runs")),
				       value(cq, P("/budget_hits"))});
			c.print(out);
		}
		if (g.contains("load")) {
			Table l({"CPU", "%usr", "%sys", "%irq", "%soft", "%idle", "TASKLET", "NET_RX"});
			for (const auto &cpu : g["load"]["cpus"]) {
				l.add({value(cpu, P("/cpu")), value(cpu, P("/usr")), value(cpu, P("/sys")), value(cpu, P("/irq")),
				       value(cpu, P("/soft")), value(cpu, P("/idle")), value(cpu, P("/softirqs/TASKLET")),
				       value(cpu, P("/softirqs/NET_RX"))});
			}
			l.print(out);
			if (g["load"].contains("spread"))
				out << "spread of %soft: jain=" << fmt(g["load"].value("/spread/soft/jain"_json_pointer, 0.0), 3)
				    << " busiest=cpu" << value(g["load"], P("/spread/soft/busiest_cpu"))
				    << "; of TASKLET: jain="
				    << fmt(g["load"].value("/spread/TASKLET/jain"_json_pointer, 0.0), 3) << "\n";
		}
	}
}

} // namespace smcscale
