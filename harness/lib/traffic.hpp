// SPDX-License-Identifier: GPL-2.0
// smc-traffic: request/response and stream traffic over AF_SMC (or TCP, as a baseline)
// between a client and a server, many connections over threads with epoll, every
// payload byte verified by its receiver.
#pragma once

#include "latency.hpp"
#include "net.hpp"
#include "traffic_protocol.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace smcscale {

struct TrafficOptions {
	bool server = false;
	SocketFamily family = SocketFamily::smc;
	std::string host;	// client: server address; server: bind address
	uint16_t port = 5555;
	TrafficMode mode = TrafficMode::request_response;
	uint32_t connections = 1;
	uint32_t threads = 1;
	uint32_t request_size = 64;
	uint32_t response_size = 64;
	uint64_t requests = 0;	// per connection; 0: run for 'duration'
	double duration = 5.0;	// seconds of traffic (client)
	double connect_timeout = 30.0;
	uint32_t connect_parallel = 16; // connects in flight per thread
	uint64_t seed = 1;
	uint64_t stream_bytes = 0; // per connection in stream mode; 0: run for 'duration'
	uint64_t exit_after = 0;   // server: exit after this many connections ended
	bool allow_fallback = false; // a fallback to TCP is not an error
	bool json = false;
};

// Parses smc-traffic's command line (argv[1] is "server" or "client"). Throws
// UsageError. Returns false when only --help was asked for (usage in *help).
bool parse_traffic_options(int argc, char **argv, TrafficOptions &opt, std::string *help);

struct TrafficResult {
	TrafficOptions options;
	uint64_t connections_established = 0;
	uint64_t connections_completed = 0; // ended as the protocol expects
	uint64_t connect_retries = 0;
	uint64_t requests = 0;		// completed request/response exchanges
	uint64_t bytes_sent = 0;	// payload bytes written
	uint64_t bytes_received = 0;	// payload bytes read
	uint64_t bytes_verified = 0;	// payload bytes read and found correct
	uint64_t peer_bytes_verified = 0; // stream: what the server reported
	uint64_t errors = 0;
	std::vector<std::string> error_messages; // the first few
	std::optional<uint64_t> fallbacks; // smc: connections that fell back to TCP, when known
	double elapsed = 0;		// seconds of the traffic phase
	LatencyHistogram latency;	// per request (rr) in ns
	LatencyHistogram connect_latency; // per connection in ns

	void merge(const TrafficResult &other);
	void add_error(const std::string &message);
	bool ok() const;
};

// Runs the client or the server. 'stop' ends a server (and cuts a client short).
// With AF_SMC, connections that fell back to TCP (by SMC's statistics) are an error
// unless allow_fallback is set.
TrafficResult run_traffic_client(const TrafficOptions &opt, const std::atomic<bool> &stop);
TrafficResult run_traffic_server(const TrafficOptions &opt, const std::atomic<bool> &stop);

class FallbackWatch;
// Records the fallbacks 'watch' saw on this side, an error unless allowed; a watch that
// cannot read SMC's statistics is an error too unless fallbacks are allowed.
void note_fallbacks(TrafficResult &r, const FallbackWatch &watch, bool server_side);

// neper-style "key=value" lines, options first, then results.
std::string format_key_value(const TrafficResult &r);
nlohmann::json traffic_json(const TrafficResult &r);

} // namespace smcscale
