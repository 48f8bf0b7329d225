// SPDX-License-Identifier: GPL-2.0
#include "bench_collect.hpp"

#include "cpu_load.hpp"
#include "error.hpp"
#include "json_document.hpp"
#include "run_report.hpp"
#include "wrk_output.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace smcscale {

namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path &p)
{
	std::ifstream in(p);
	if (!in)
		throw Error(p.string() + ": cannot read");
	std::stringstream s;
	s << in.rdbuf();
	return s.str();
}

nlohmann::json read_json_file(const fs::path &p)
{
	try {
		return nlohmann::json::parse(read_text(p));
	} catch (const nlohmann::json::exception &e) {
		throw Error(p.string() + ": not valid JSON: " + e.what());
	}
}

// A document of 'schema' at 'p', or nullopt when the file does not exist.
std::optional<nlohmann::json> read_document_if(const fs::path &p, const std::string &schema)
{
	if (!fs::exists(p))
		return std::nullopt;
	nlohmann::json doc = read_json_file(p);
	expect_schema(doc, schema, kSchemaVersion, p.string());
	return doc;
}

// "0-3,5" -> {0, 1, 2, 3, 5}
std::set<unsigned> parse_cpu_list(const std::string &text, const std::string &what)
{
	std::set<unsigned> cpus;
	std::istringstream in(text);
	for (std::string part; std::getline(in, part, ',');) {
		if (part.empty())
			continue;
		try {
			const auto dash = part.find('-');
			const unsigned a = static_cast<unsigned>(std::stoul(part.substr(0, dash)));
			const unsigned b = dash == std::string::npos ? a : static_cast<unsigned>(std::stoul(part.substr(dash + 1)));
			for (unsigned c = a; c <= b; c++)
				cpus.insert(c);
		} catch (const std::exception &) {
			throw Error(what + ": '" + text + "' is not a CPU list");
		}
	}
	return cpus;
}

std::string env_value(const nlohmann::json &env, const std::string &key, const std::string &file)
{
	if (!env.contains(key))
		throw Error(file + ": no " + key + "=");
	return env[key].get<std::string>();
}

unsigned env_unsigned(const nlohmann::json &env, const std::string &key, const std::string &file)
{
	const std::string v = env_value(env, key, file);
	try {
		return static_cast<unsigned>(std::stoul(v));
	} catch (const std::exception &) {
		throw Error(file + ": " + key + "=" + v + " is not a number");
	}
}

// "name value" lines (rxe hw_counters)
std::map<std::string, int64_t> read_counters(const fs::path &p)
{
	std::map<std::string, int64_t> out;
	std::ifstream in(p);
	if (!in)
		return out;
	std::string name;
	int64_t value;
	while (in >> name >> value)
		out[name] = value;
	return out;
}

uint64_t fallbacks_of(const nlohmann::json &doc)
{
	return doc.value("client_total", 0ULL) + doc.value("server_total", 0ULL);
}

uint64_t delta(uint64_t before, uint64_t after)
{
	return after >= before ? after - before : 0;
}

// Host CPU time of each vCPU thread between two markers, from host/vcpu.tsv (lines
// "time role vcpu ticks") sampled by smc-vm when each marker appeared (host/markers.tsv).
struct HostVcpus {
	std::map<std::string, double> marker_time; // marker name -> host time
	// (time, role, vcpu) -> ticks
	std::map<std::tuple<double, std::string, unsigned>, uint64_t> ticks;
	std::map<std::pair<std::string, unsigned>, unsigned> caps; // percent of a host CPU
	bool present = false;
};

HostVcpus read_host_vcpus(const fs::path &dir)
{
	HostVcpus h;
	std::ifstream markers(dir / "markers.tsv"), samples(dir / "vcpu.tsv"), caps(dir / "caps");
	if (!markers || !samples)
		return h;
	h.present = true;
	double t;
	std::string name, role;
	while (markers >> t >> name)
		h.marker_time.emplace(name, t);
	unsigned vcpu;
	uint64_t ticks;
	while (samples >> t >> role >> vcpu >> ticks)
		h.ticks[{t, role, vcpu}] = ticks;
	std::string tid;
	unsigned pct;
	while (caps >> role >> vcpu >> tid >> pct)
		h.caps[{role, vcpu}] = pct;
	return h;
}

// Per (role, vCPU): percent of one host CPU used between markers 'a' and 'b'.
std::map<std::pair<std::string, unsigned>, double> host_usage(const HostVcpus &h, const std::string &a,
							      const std::string &b)
{
	std::map<std::pair<std::string, unsigned>, double> out;
	auto ta = h.marker_time.find(a), tb = h.marker_time.find(b);
	if (ta == h.marker_time.end() || tb == h.marker_time.end() || tb->second <= ta->second)
		return out;
	static const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
	std::map<std::pair<std::string, unsigned>, uint64_t> at_a;
	for (const auto &[key, ticks] : h.ticks) {
		const auto &[time, role, vcpu] = key;
		if (time == ta->second)
			at_a[{role, vcpu}] = ticks;
	}
	for (const auto &[key, ticks] : h.ticks) {
		const auto &[time, role, vcpu] = key;
		if (time != tb->second || !at_a.count({role, vcpu}))
			continue;
		const double used = static_cast<double>(delta(at_a[{role, vcpu}], ticks)) / ticks_per_second;
		out[{role, vcpu}] = 100.0 * used / (tb->second - ta->second);
	}
	return out;
}

// nginx's stub_status: the total of requests it has handled, or nullopt.
std::optional<uint64_t> nginx_requests(const fs::path &p)
{
	std::ifstream in(p);
	std::string line;
	while (std::getline(in, line))
		if (line.find("accepts handled requests") != std::string::npos && std::getline(in, line)) {
			std::istringstream nums(line);
			uint64_t accepts, handled, requests;
			if (nums >> accepts >> handled >> requests)
				return requests;
		}
	return std::nullopt;
}

// When a status file's count was taken: the middle of the request's "asked answered"
// times (seconds) that bench-server writes beside it, or nullopt (older runs).
std::optional<double> nginx_read_time(const fs::path &status)
{
	fs::path p = status;
	p.replace_extension(".time");
	std::ifstream in(p);
	double asked, answered;
	if (!(in >> asked >> answered) || answered < asked)
		return std::nullopt;
	return (asked + answered) / 2;
}

// The measured result of the load generator: wrk's text or smc-traffic's JSON.
nlohmann::json load_result(const std::string &workload, const fs::path &file)
{
	if (workload == "nginx") {
		const WrkResult w = [&] {
			try {
				return parse_wrk_output(read_text(file));
			} catch (const Error &e) {
				throw Error(file.string() + ": " + e.what());
			}
		}();
		// A connect or write error is a connection wrk could not set up (an SMC handshake
		// that failed, which wrk retries with a new connection); read errors, timeouts
		// and non-2xx responses are requests that failed.
		nlohmann::json r = {{"qps", w.requests_per_sec},
				    {"requests", w.requests},
				    {"errors", w.read_errors + w.timeouts + w.non_2xx},
				    {"setup_errors", w.connect_errors + w.write_errors},
				    {"load_seconds", w.seconds}};
		if (w.p50_us)
			r["p50_us"] = *w.p50_us;
		if (w.p99_us)
			r["p99_us"] = *w.p99_us;
		if (w.errors() - w.connect_errors - w.write_errors)
			r["error_detail"] = "wrk: connect " + std::to_string(w.connect_errors) + ", read " +
					    std::to_string(w.read_errors) + ", write " + std::to_string(w.write_errors) +
					    ", timeout " + std::to_string(w.timeouts) + ", non-2xx " + std::to_string(w.non_2xx);
		return r;
	}
	const nlohmann::json doc = read_json_file(file);
	expect_schema(doc, "smc-traffic.result", kSchemaVersion, file.string());
	const nlohmann::json &res = doc.at("results");
	nlohmann::json r = {{"qps", res.value("qps", 0.0)},
			    {"requests", res.value("requests", 0ULL)},
			    {"errors", res.value("errors", 0ULL)},
			    {"load_seconds", res.value("elapsed_s", 0.0)},
			    {"p50_us", res["latency_us"].value("p50", 0.0)},
			    {"p99_us", res["latency_us"].value("p99", 0.0)}};
	if (!res.value("ok", false))
		r["error_detail"] = "smc-traffic: " + (res.contains("error_messages") && !res["error_messages"].empty()
							       ? res["error_messages"][0].get<std::string>()
							       : std::string("not ok"));
	return r;
}

nlohmann::json collect_point(const fs::path &dir, const std::string &point, const nlohmann::json &bench,
			     const nlohmann::json &load, const HostVcpus &host, const std::set<unsigned> &completion_cpus,
			     std::optional<unsigned> server_nic, std::optional<unsigned> client_nic)
{
	std::istringstream parts(point);
	std::string workload, family, conns;
	std::getline(parts, workload, '-');
	std::getline(parts, family, '-');
	std::getline(parts, conns, '-');
	nlohmann::json p = {{"point", point},
			    {"workload", workload},
			    {"family", family},
			    {"connections", std::stoul(conns)},
			    {"variant", bench.at("variant")},
			    {"rep", std::stoul(bench.at("rep").get<std::string>())}};
	std::vector<std::string> invalid;
	const fs::path result = dir / "client/points" / (point + ".out");
	try {
		p.update(load_result(workload, result));
	} catch (const Error &e) {
		// the load generator gave up (wrk: "unable to connect"): the point ran and failed
		std::string first;
		std::ifstream in(result);
		std::getline(in, first);
		p.update({{"qps", 0.0}, {"requests", 0}, {"errors", 1}});
		invalid.push_back("the load generator failed: " + (first.empty() ? std::string(e.what()) : first));
	}
	if (p["errors"].get<uint64_t>() > 0 && invalid.empty())
		invalid.push_back(p.value("error_detail", std::string("errors")));

	// nginx: the requests of the measured phase, counted by the server (wrk's own
	// numbers cover its whole run, connection setup included)
	if (workload == "nginx") {
		const fs::path s0 = dir / "server/points" / (point + ".start") / ("nginx-" + family + ".status");
		const fs::path s1 = dir / "server/points" / (point + ".end") / ("nginx-" + family + ".status");
		const auto r0 = nginx_requests(s0), r1 = nginx_requests(s1);
		const nlohmann::json::json_pointer at("/marked/" + point);
		// The load runs before the start marker and after the end marker, and the server
		// reads the counts a few seconds after each: the rate is the requests between the
		// two reads over the time between them, where those times were recorded.
		const auto t0 = nginx_read_time(s0), t1 = nginx_read_time(s1);
		if (r0 && r1 && *r1 > *r0 && load.contains(at)) {
			const bool timed = t0 && t1 && *t1 > *t0;
			const double secs = timed ? *t1 - *t0 : load.at(at).value("end", 0.0) - load.at(at).value("start", 0.0);
			p["probe_qps"] = p["qps"];
			p["requests"] = *r1 - *r0 - 1; // the end marker's own status request
			p["qps"] = secs > 0 ? static_cast<double>(*r1 - *r0 - 1) / secs : 0.0;
			p["qps_window_s"] = secs;
			p["qps_source"] = timed ? "nginx stub_status: requests between its reads at the markers, over the time between the reads"
						: "nginx stub_status between the markers";
		} else {
			invalid.push_back("no request count from nginx at the markers");
		}
		// the load's connections and the latency probe's 10
		std::ifstream up(dir / "client/points" / (point + ".connections-up"));
		unsigned n, settle_s;
		p["latency_source"] = "a 10-connection wrk probe during the point";
		// probes that gave up on their first connection and were started again
		unsigned restarts = 0;
		while (fs::exists(dir / "client/points" / (point + ".probe-failed-" + std::to_string(restarts + 1))))
			restarts++;
		p["probe_restarts"] = restarts;
		if (up >> n) {
			p["connections_up"] = n;
			if (up >> settle_s)
				p["settle_seconds"] = settle_s;
			if (n < p["connections"].get<unsigned>() + 10)
				invalid.push_back("only " + std::to_string(n) + " of " + std::to_string(p["connections"].get<unsigned>()) +
						  " connections (and the probe's 10) were up when the point started");
		}
	}

	// the server's CPUs and SMC's CQ work, between the markers
	const nlohmann::json::json_pointer at("/marked/" + point);
	if (!load.contains(at)) {
		invalid.push_back("no server load sample for the point");
	} else {
		const nlohmann::json &in = load.at(at);
		const double seconds = in.value("end", 0.0) - in.value("start", 0.0);
		p["seconds"] = seconds;
		nlohmann::json cpus = nlohmann::json::array();
		std::vector<std::pair<unsigned, double>> work, completion_work;
		double soft_seconds = 0;
		for (const nlohmann::json &c : in.at("cpus")) {
			if (!c["cpu"].is_number())
				continue;
			const unsigned cpu = c["cpu"].get<unsigned>();
			const double ns = c.contains("cq_work") ? c["cq_work"].value("ns", 0.0) : 0.0;
			cpus.push_back({{"cpu", cpu},
					{"usr", c.value("usr", 0.0)},
					{"sys", c.value("sys", 0.0)},
					{"soft", c.value("soft", 0.0)},
					{"irq", c.value("irq", 0.0)},
					{"idle", c.value("idle", 0.0)},
					{"cq_work_ms", ns / 1e6}});
			work.emplace_back(cpu, ns);
			if (completion_cpus.count(cpu))
				completion_work.emplace_back(cpu, ns);
			soft_seconds += c.value("soft", 0.0) / 100.0 * seconds;
			if (server_nic && cpu == *server_nic)
				p["nic"]["server_guest_busy_pct"] = 100.0 - c.value("idle", 0.0);
		}
		p["server_cpus"] = cpus;
		// all tasklets (rxe's included) against SMC's CQ tasklet runs
		uint64_t tasklets = 0, cq_runs = 0;
		for (const nlohmann::json &c : in.at("cpus")) {
			if (c.contains("softirqs"))
				tasklets += c["softirqs"].value("TASKLET", 0ULL);
			if (c.contains("cq_work"))
				cq_runs += c["cq_work"].value("runs", 0ULL);
		}
		p["tasklets_all"] = tasklets;
		p["smc_cq_tasklet_runs"] = cq_runs;
		const Spread all = spread(work), compl_spread = spread(completion_work);
		p["cq_work"] = {{"total_ms", all.total / 1e6},
				{"busiest_cpu", all.busiest_cpu},
				{"busiest_share", all.busiest_share},
				{"working_cpus", all.working_cpus},
				{"jain_completion_cpus", compl_spread.jain},
				{"completion_cpus", std::vector<unsigned>(completion_cpus.begin(), completion_cpus.end())}};
		if (all.total <= 0 && family == "smc")
			invalid.push_back("no SMC CQ work measured on the server");
		const double requests = p["qps"].get<double>() * seconds;
		if (requests > 0)
			p["softirq_us_per_request"] = soft_seconds * 1e6 / requests;
	}

	// SMC's and rxe's state on the server at the markers, the client's around the point
	const fs::path start = dir / "server/points" / (point + ".start"), end = dir / "server/points" / (point + ".end");
	const auto s0 = read_document_if(start / "state.json", "smcctl.state");
	const auto s1 = read_document_if(end / "state.json", "smcctl.state");
	const auto c0 = read_document_if(dir / "client/points" / (point + ".state-before.json"), "smcctl.state");
	const auto c1 = read_document_if(dir / "client/points" / (point + ".state-after.json"), "smcctl.state");
	if (s1) {
		std::map<std::pair<std::string, unsigned>, uint64_t> before;
		if (s0)
			for (const auto &d : (*s0)["devices"])
				for (const auto &cq : d.value("cqs", nlohmann::json::array()))
					before[{cq["direction"], cq["index"]}] = cq.value("completions", 0ULL);
		nlohmann::json cqs = nlohmann::json::array();
		for (const auto &d : (*s1)["devices"])
			for (nlohmann::json cq : d.value("cqs", nlohmann::json::array())) {
				cq["completions_in_point"] =
					delta(before[{cq["direction"], cq["index"]}], cq.value("completions", 0ULL));
				cqs.push_back(cq);
			}
		p["cqs"] = cqs;
		if (!(*s1)["devices"].empty())
			p["cq_pairs"] = (*s1)["devices"][0].value("cq_pairs", nlohmann::json());
		p["link_groups"] = (*s1)["linkgroups"].size();
	}
	uint64_t server_fb = 0, client_fb = 0;
	if (s0 && s1)
		server_fb = delta(fallbacks_of((*s0)["fallback"]), fallbacks_of((*s1)["fallback"]));
	if (c0 && c1)
		client_fb = delta(fallbacks_of((*c0)["fallback"]), fallbacks_of((*c1)["fallback"]));
	p["fallbacks"] = {{"server", server_fb}, {"client", client_fb}};
	if (family == "smc" && (!s0 || !s1 || !c0 || !c1))
		invalid.push_back("SMC state missing around the point: cannot prove it used SMC-R");
	if (family == "smc" && server_fb + client_fb > 0)
		invalid.push_back(std::to_string(server_fb + client_fb) + " connection(s) fell back to TCP");
	// SMC handshakes that failed without a fallback (the connection got an error)
	if (s0 && s1 && c0 && c1)
		p["handshake_errors"] = {
			{"server", delta((*s0)["stats"].value("server_handshake_errors", 0ULL),
					 (*s1)["stats"].value("server_handshake_errors", 0ULL))},
			{"client", delta((*c0)["stats"].value("client_handshake_errors", 0ULL),
					 (*c1)["stats"].value("client_handshake_errors", 0ULL))}};
	// and the SMC-R connections the client set up in the point
	if (c0 && c1)
		p["smc_connections_set_up"] = delta((*c0)["stats"]["smcr"].value("client_v2_success", 0ULL),
						    (*c1)["stats"]["smcr"].value("client_v2_success", 0ULL));
	const auto rxe0 = read_counters(start / "rxe_counters"), rxe1 = read_counters(end / "rxe_counters");
	nlohmann::json rxe = nlohmann::json::object();
	for (const auto &[name, v] : rxe1)
		if (rxe0.count(name))
			rxe[name] = v - rxe0.at(name);
	p["rxe"] = rxe;

	// every vCPU thread on the host, against its cap
	if (host.present) {
		const auto usage = host_usage(host, point + ".start", point + ".end");
		nlohmann::json vcpus = {{"server", nlohmann::json::array()}, {"client", nlohmann::json::array()}};
		for (const auto &[key, pct] : usage) {
			nlohmann::json v = {{"vcpu", key.second}, {"host_pct", pct}};
			auto cap = host.caps.find(key);
			if (cap != host.caps.end())
				v["cap_pct"] = cap->second;
			vcpus[key.first].push_back(v);
			// a saturated NIC vCPU measures rxe, a saturated client measures the client
			const std::optional<unsigned> nic_of_role = key.first == "server" ? server_nic : client_nic;
			const bool nic = nic_of_role && key.second == *nic_of_role;
			const bool saturated = cap != host.caps.end() && pct >= 0.95 * cap->second;
			if (nic)
				p["nic"][key.first + "_host_pct"] = pct;
			if (saturated && (nic || key.first == "client"))
				invalid.push_back(key.first + (nic ? " NIC" : "") + " vCPU " + std::to_string(key.second) +
						  " at its cap (" + std::to_string(static_cast<int>(pct)) + "% of " +
						  std::to_string(cap->second) + "%)");
		}
		p["vcpus"] = vcpus;
	}
	p["valid"] = invalid.empty();
	p["invalid_reasons"] = invalid;
	return p;
}

} // namespace

nlohmann::json collect_bench_run(const std::string &run_dir)
{
	const fs::path dir(run_dir);
	const std::string bench_file = (dir / "bench.env").string();
	const nlohmann::json bench = read_env(bench_file);
	const nlohmann::json run = read_env((dir / "run.env").string());
	const std::set<unsigned> completion_cpus =
		parse_cpu_list(env_value(bench, "completion_cpus", bench_file), bench_file + ": completion_cpus");
	// "none" on real hosts: the RNIC does the NIC's work
	auto nic_cpu = [&](const std::string &key) -> std::optional<unsigned> {
		if (env_value(bench, key, bench_file) == "none")
			return std::nullopt;
		return env_unsigned(bench, key, bench_file);
	};
	const std::optional<unsigned> server_nic = nic_cpu("server_nic_cpu"), client_nic = nic_cpu("client_nic_cpu");
	const fs::path load_file = dir / "server/load.json";
	nlohmann::json load = nlohmann::json::object();
	if (auto l = read_document_if(load_file, "smc-softirq.load"))
		load = *l;
	const HostVcpus host = read_host_vcpus(dir / "host");

	std::vector<std::string> points;
	if (fs::is_directory(dir / "client/points"))
		for (const auto &e : fs::directory_iterator(dir / "client/points"))
			if (e.path().extension() == ".out")
				points.push_back(e.path().stem().string());
	std::sort(points.begin(), points.end());
	nlohmann::json records = nlohmann::json::array();
	for (const std::string &point : points)
		records.push_back(collect_point(dir, point, bench, load, host, completion_cpus, server_nic, client_nic));
	return json_document("smc-bench.run", {{"run_dir", fs::absolute(dir).string()},
					       {"bench", bench},
					       {"run", run},
					       {"points", records}});
}

} // namespace smcscale
