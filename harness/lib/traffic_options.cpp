// SPDX-License-Identifier: GPL-2.0
#include "args.hpp"
#include "traffic.hpp"

#include <limits>

namespace smcscale {

namespace {

const char *kSynopsis = R"(server|client [options]

  server   accept connections and serve them until SIGINT/SIGTERM (or --exit-after)
  client   connect to --host and run traffic, then report

Each connection starts with a hello that tells the server the mode, sizes and seed;
both ends verify every payload byte they receive. With AF_SMC, SMC's fallback statistics
show connections that fell back to TCP; that is an error unless --allow-fallback.
Results are key=value lines (or JSON) that include the options used. The exit status is
0 only when no error occurred.)";

constexpr uint32_t kMaxMessage = 64u << 20;

} // namespace

bool parse_traffic_options(int argc, char **argv, TrafficOptions &opt, std::string *help)
{
	ArgParser p("smc-traffic", kSynopsis);
	p.option("--family", "smc|tcp", "socket family (default smc; tcp is the baseline)",
		 [&](const std::string &v) {
			 if (v == "smc")
				 opt.family = SocketFamily::smc;
			 else if (v == "tcp")
				 opt.family = SocketFamily::tcp;
			 else
				 throw UsageError("--family: '" + v + "' is not smc or tcp");
		 });
	p.option("--host", "ADDR", "client: server address; server: bind address (default any)",
		 [&](const std::string &v) { opt.host = v; });
	p.option("--port", "PORT", "TCP port (default 5555)", [&](const std::string &v) {
		opt.port = static_cast<uint16_t>(parse_integer("--port", v, 1, 65535));
	});
	p.option("--mode", "rr|stream", "request/response or one-way stream (default rr)",
		 [&](const std::string &v) {
			 if (v == "rr")
				 opt.mode = TrafficMode::request_response;
			 else if (v == "stream")
				 opt.mode = TrafficMode::stream;
			 else
				 throw UsageError("--mode: '" + v + "' is not rr or stream");
		 });
	p.option("--connections", "N", "client: connections (default 1)", [&](const std::string &v) {
		opt.connections = static_cast<uint32_t>(parse_integer("--connections", v, 1, 65536));
	});
	p.option("--threads", "N", "threads, each with its own epoll (default 1)", [&](const std::string &v) {
		opt.threads = static_cast<uint32_t>(parse_integer("--threads", v, 1, 1024));
	});
	p.option("--request-size", "BYTES", "rr: request size (default 64; K, M suffixes)",
		 [&](const std::string &v) {
			 opt.request_size = static_cast<uint32_t>(parse_size("--request-size", v, 1, kMaxMessage));
		 });
	p.option("--response-size", "BYTES", "rr: response size (default 64)", [&](const std::string &v) {
		opt.response_size = static_cast<uint32_t>(parse_size("--response-size", v, 1, kMaxMessage));
	});
	p.option("--requests", "N", "client, rr: requests per connection (default: run --duration)",
		 [&](const std::string &v) {
			 opt.requests = static_cast<uint64_t>(
				 parse_integer("--requests", v, 1, std::numeric_limits<int64_t>::max()));
		 });
	p.option("--bytes", "BYTES", "client, stream: bytes per connection (default: run --duration)",
		 [&](const std::string &v) {
			 opt.stream_bytes = parse_size("--bytes", v, 1, 1ULL << 50);
		 });
	p.option("--duration", "SEC", "client: seconds of traffic (default 5)", [&](const std::string &v) {
		opt.duration = parse_seconds("--duration", v, 0.001, 86400);
	});
	p.option("--connect-timeout", "SEC", "client: keep retrying refused connects this long (default 30)",
		 [&](const std::string &v) {
			 opt.connect_timeout = parse_seconds("--connect-timeout", v, 0.001, 3600);
		 });
	p.option("--connect-parallel", "N", "client: connects in flight per thread (default 16)",
		 [&](const std::string &v) {
			 opt.connect_parallel = static_cast<uint32_t>(parse_integer("--connect-parallel", v, 1, 65536));
		 });
	p.option("--seed", "N", "payload seed (default 1)", [&](const std::string &v) {
		opt.seed = static_cast<uint64_t>(parse_integer("--seed", v, 0, std::numeric_limits<int64_t>::max()));
	});
	p.option("--exit-after", "N", "server: exit after N connections ended (default: run until signalled)",
		 [&](const std::string &v) {
			 opt.exit_after = static_cast<uint64_t>(parse_integer("--exit-after", v, 1, 1 << 30));
		 });
	p.flag("--allow-fallback", "smc: connections that fall back to TCP are no error",
	       [&] { opt.allow_fallback = true; });
	p.flag("-j,--json", "print JSON instead of key=value lines", [&] { opt.json = true; });

	auto pos = p.parse(argc, argv);
	if (p.help_requested() || p.version_requested()) {
		*help = p.help_requested() ? p.usage() : p.version_line() + "\n";
		return false;
	}
	if (pos.size() != 1 || (pos[0] != "server" && pos[0] != "client"))
		throw UsageError("expected 'server' or 'client'" +
				 (pos.empty() ? std::string() : ", not '" + pos[0] + "'"));
	opt.server = pos[0] == "server";
	if (!opt.server && opt.host.empty())
		throw UsageError("client: --host is required");
	if (opt.server && opt.host.empty())
		opt.host = "0.0.0.0";
	if (!opt.server && opt.threads > opt.connections)
		opt.threads = opt.connections;
	return true;
}

} // namespace smcscale
