// SPDX-License-Identifier: GPL-2.0
#include "traffic.hpp"

#include "json_document.hpp"

#include "fallback_watch.hpp"

#include <iomanip>
#include <sstream>

namespace smcscale {

void TrafficResult::merge(const TrafficResult &o)
{
	connections_established += o.connections_established;
	connections_completed += o.connections_completed;
	connect_retries += o.connect_retries;
	requests += o.requests;
	bytes_sent += o.bytes_sent;
	bytes_received += o.bytes_received;
	bytes_verified += o.bytes_verified;
	peer_bytes_verified += o.peer_bytes_verified;
	errors += o.errors;
	for (const auto &m : o.error_messages)
		if (error_messages.size() < 8)
			error_messages.push_back(m);
	latency.merge(o.latency);
	connect_latency.merge(o.connect_latency);
}

void TrafficResult::add_error(const std::string &message)
{
	errors++;
	if (error_messages.size() < 8)
		error_messages.push_back(message);
}

void note_fallbacks(TrafficResult &r, const FallbackWatch &watch, bool server_side)
{
	std::string why;
	const auto d = watch.delta(&why);
	if (!d) {
		// Not knowing is not the same as none: the numbers could be TCP's.
		if (!r.options.allow_fallback)
			r.add_error("cannot tell whether connections fell back to TCP: SMC's fallback statistics "
				    "cannot be read (" + why + "); --allow-fallback runs without this check");
		return;
	}
	r.fallbacks = server_side ? d->server : d->client;
	if (*r.fallbacks && !r.options.allow_fallback)
		r.add_error(std::to_string(*r.fallbacks) + " connection(s) fell back to TCP, so SMC was not used (" +
			    d->reasons + "); --allow-fallback accepts this");
}

bool TrafficResult::ok() const
{
	if (errors)
		return false;
	if (options.server)
		return true;
	return connections_established == options.connections &&
	       connections_completed == options.connections;
}

namespace {

const char *mode_name(TrafficMode m)
{
	return m == TrafficMode::stream ? "stream" : "rr";
}

nlohmann::json options_json(const TrafficOptions &o)
{
	nlohmann::json j = {{"role", o.server ? "server" : "client"},
			    {"allow_fallback", o.allow_fallback},
			    {"family", family_name(o.family)},
			    {"host", o.host},
			    {"port", o.port},
			    {"threads", o.threads},
			    {"seed", o.seed}};
	if (o.server) {
		j["exit_after"] = o.exit_after;
		return j;
	}
	j["mode"] = mode_name(o.mode);
	j["connections"] = o.connections;
	j["duration"] = o.duration;
	j["connect_timeout"] = o.connect_timeout;
	j["connect_parallel"] = o.connect_parallel;
	if (o.mode == TrafficMode::request_response) {
		j["request_size"] = o.request_size;
		j["response_size"] = o.response_size;
		j["requests"] = o.requests;
	} else {
		j["bytes"] = o.stream_bytes;
	}
	return j;
}

double us(uint64_t ns)
{
	return double(ns) / 1000.0;
}

} // namespace

nlohmann::json traffic_json(const TrafficResult &r)
{
	const double secs = r.elapsed > 0 ? r.elapsed : 1e-9;
	nlohmann::json res = {{"ok", r.ok()},
			      {"connections_established", r.connections_established},
			      {"connections_completed", r.connections_completed},
			      {"connect_retries", r.connect_retries},
			      {"requests", r.requests},
			      {"bytes_sent", r.bytes_sent},
			      {"bytes_received", r.bytes_received},
			      {"bytes_verified", r.bytes_verified},
			      {"errors", r.errors},
			      {"error_messages", r.error_messages},
			      {"elapsed_s", r.elapsed}};
	if (r.fallbacks)
		res["fallbacks"] = *r.fallbacks;
	if (!r.options.server) {
		res["qps"] = double(r.requests) / secs;
		res["throughput_mbit_s"] = double(r.bytes_sent + r.bytes_received) * 8 / secs / 1e6;
		if (r.options.mode == TrafficMode::stream)
			res["peer_bytes_verified"] = r.peer_bytes_verified;
		const LatencyHistogram &l = r.latency;
		res["latency_us"] = {{"count", l.count()},	      {"min", us(l.min())},
				     {"mean", l.mean() / 1000.0},      {"p50", us(l.percentile(50))},
				     {"p90", us(l.percentile(90))},    {"p99", us(l.percentile(99))},
				     {"p99.9", us(l.percentile(99.9))}, {"max", us(l.max())}};
		const LatencyHistogram &c = r.connect_latency;
		res["connect_us"] = {{"count", c.count()},
				     {"p50", us(c.percentile(50))},
				     {"p99", us(c.percentile(99))},
				     {"max", us(c.max())}};
	}
	return json_document("smc-traffic.result", {{"tool", "smc-traffic"}, {"options", options_json(r.options)}, {"results", res}});
}

std::string format_key_value(const TrafficResult &r)
{
	std::ostringstream out;
	out << std::setprecision(6);
	const nlohmann::json j = traffic_json(r);
	for (const auto &[k, v] : j["options"].items())
		out << k << "=" << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
	for (const auto &[k, v] : j["results"].items()) {
		if (v.is_object()) {
			for (const auto &[k2, v2] : v.items())
				out << k << "_" << k2 << "=" << v2.dump() << "\n";
		} else if (v.is_array()) {
			for (size_t i = 0; i < v.size(); i++)
				out << k << "[" << i << "]=" << v[i].get<std::string>() << "\n";
		} else {
			out << k << "=" << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
		}
	}
	return out.str();
}

} // namespace smcscale
