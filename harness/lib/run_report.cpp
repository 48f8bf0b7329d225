// SPDX-License-Identifier: GPL-2.0
#include "run_report.hpp"

#include "error.hpp"
#include "json_document.hpp"
#include "table.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace smcscale {

namespace {

namespace fs = std::filesystem;

using Type = nlohmann::json::value_t;

// The document at 'path' when it exists: valid JSON of 'schema', as the tool wrote it.
std::optional<nlohmann::json> read_document(const fs::path &path, const std::string &schema)
{
	std::ifstream in(path);
	if (!in)
		return std::nullopt;
	nlohmann::json doc;
	try {
		doc = nlohmann::json::parse(in);
	} catch (const nlohmann::json::exception &e) {
		throw Error(path.string() + ": not valid JSON: " + e.what());
	}
	expect_schema(doc, schema, kSchemaVersion, path.string());
	return doc;
}

std::string type_name(Type t)
{
	return nlohmann::json(t).type_name();
}

// 'doc' at 'pointer' must be of type 'want' (or absent, when optional): what the
// report and its rendering read, checked once here so that a document of the right
// schema but the wrong shape is an error naming its file, not a crash half-way
// through the table.
void require(const nlohmann::json &doc, const std::string &pointer, Type want, const fs::path &path,
	     bool optional = false)
{
	const nlohmann::json::json_pointer p(pointer);
	if (!doc.contains(p)) {
		if (optional)
			return;
		throw Error(path.string() + ": " + pointer + " is missing");
	}
	const nlohmann::json &v = doc.at(p);
	const bool ok = want == Type::number_float ? v.is_number() : want == Type::number_unsigned ? v.is_number_integer()
												      : v.type() == want;
	if (!ok)
		throw Error(path.string() + ": " + pointer + " is " + v.type_name() + ", expected " + type_name(want));
}

// Every element of the array at 'pointer' is an object.
void require_objects(const nlohmann::json &doc, const std::string &pointer, const fs::path &path)
{
	const nlohmann::json::json_pointer p(pointer);
	if (!doc.contains(p))
		return;
	size_t i = 0;
	for (const nlohmann::json &e : doc.at(p)) {
		if (!e.is_object())
			throw Error(path.string() + ": " + pointer + "/" + std::to_string(i) + " is " + e.type_name() +
				    ", expected object");
		i++;
	}
}

}

nlohmann::json read_env(const std::string &file)
{
	const fs::path path(file);
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

namespace {

nlohmann::json role_report(const fs::path &dir)
{
	nlohmann::json r = nlohmann::json::object();
	const fs::path state = dir / "state";
	// smcctl -j <what>, as the guests record them after the run
	if (auto v = read_document(state / "linkgroup.json", "smcctl.linkgroup")) {
		require(*v, "/linkgroups", Type::array, state / "linkgroup.json");
		r["link_groups"] = (*v)["linkgroups"];
	}
	if (auto v = read_document(state / "link.json", "smcctl.link")) {
		require(*v, "/links", Type::array, state / "link.json");
		r["links"] = (*v)["links"];
	}
	if (auto v = read_document(state / "device.json", "smcctl.device")) {
		const fs::path p = state / "device.json";
		require(*v, "/devices", Type::array, p);
		require_objects(*v, "/devices", p);
		for (size_t i = 0; i < (*v)["devices"].size(); i++) {
			const std::string d = "/devices/" + std::to_string(i);
			require(*v, d + "/cqs", Type::array, p, true);
			require_objects(*v, d + "/cqs", p);
		}
		r["devices"] = (*v)["devices"];
	}
	if (auto v = read_document(state / "fallback.json", "smcctl.fallback")) {
		for (const char *f : {"/client_total", "/server_total"})
			require(*v, f, Type::number_unsigned, state / "fallback.json");
		r["fallbacks"] = *v;
	}
	if (auto v = read_document(state / "stats.json", "smcctl.stats")) {
		require(*v, "/smcr", Type::object, state / "stats.json");
		for (const char *f : {"/smcr/client_v2_success", "/smcr/server_v2_success"})
			require(*v, f, Type::number_unsigned, state / "stats.json");
		r["smcr_stats"] = (*v)["smcr"];
	}
	if (auto v = read_document(dir / "traffic.json", "smc-traffic.result")) {
		require(*v, "/options", Type::object, dir / "traffic.json");
		require(*v, "/results", Type::object, dir / "traffic.json");
		r["traffic"] = *v;
	}
	if (auto v = read_document(dir / "softirq.json", "smc-softirq.load")) {
		const fs::path p = dir / "softirq.json";
		require(*v, "/total", Type::object, p);
		require(*v, "/total/cpus", Type::array, p);
		require_objects(*v, "/total/cpus", p);
		require(*v, "/total/spread", Type::object, p, true);
		r["load"] = (*v)["total"];
	}
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
	nlohmann::json report = json_document("smc-report.run", {{"tool", "smc-report"}, {"run_dir", fs::absolute(dir).string()}});
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
			Table c({"Dir", "CQ", "Vector", "#Entries", "#Reserved", "#Links", "Completions"});
			for (const auto &cq : g["devices"][0]["cqs"])
				c.add({value(cq, P("/direction")), value(cq, P("/index")), value(cq, P("/vector")),
				       value(cq, P("/entries")), value(cq, P("/reserved")), value(cq, P("/load")),
				       value(cq, P("/completions"))});
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
