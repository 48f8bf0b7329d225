// SPDX-License-Identifier: GPL-2.0
#include "wrk_output.hpp"

#include "error.hpp"

#include <regex>
#include <sstream>

namespace smcscale {

namespace {

// wrk prints durations as "123.45us", "12.34ms", "1.23s", "2.00m".
double to_us(double value, const std::string &unit)
{
	if (unit == "us")
		return value;
	if (unit == "ms")
		return value * 1e3;
	if (unit == "s")
		return value * 1e6;
	if (unit == "m")
		return value * 60e6;
	if (unit == "h")
		return value * 3600e6;
	throw Error("wrk output: unknown time unit '" + unit + "'");
}

} // namespace

WrkResult parse_wrk_output(const std::string &text)
{
	static const std::regex requests(R"(^\s*(\d+) requests in ([0-9.]+)(us|ms|s|m|h),)");
	static const std::regex rate(R"(^Requests/sec:\s*([0-9.]+))");
	static const std::regex percentile(R"(^\s*(50|75|90|99)%\s+([0-9.]+)(us|ms|s|m|h)\s*$)");
	static const std::regex socket_errors(
		R"(^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+))");
	static const std::regex non_2xx(R"(^\s*Non-2xx or 3xx responses: (\d+))");
	WrkResult r;
	bool have_requests = false, have_rate = false;
	std::istringstream in(text);
	std::string line;
	while (std::getline(in, line)) {
		std::smatch m;
		if (std::regex_search(line, m, requests)) {
			r.requests = std::stoull(m[1]);
			r.seconds = to_us(std::stod(m[2]), m[3]) / 1e6;
			have_requests = true;
		} else if (std::regex_search(line, m, rate)) {
			r.requests_per_sec = std::stod(m[1]);
			have_rate = true;
		} else if (std::regex_search(line, m, percentile)) {
			const double us = to_us(std::stod(m[2]), m[3]);
			const std::string p = m[1];
			(p == "50" ? r.p50_us : p == "75" ? r.p75_us : p == "90" ? r.p90_us : r.p99_us) = us;
		} else if (std::regex_search(line, m, socket_errors)) {
			r.connect_errors = std::stoull(m[1]);
			r.read_errors = std::stoull(m[2]);
			r.write_errors = std::stoull(m[3]);
			r.timeouts = std::stoull(m[4]);
		} else if (std::regex_search(line, m, non_2xx)) {
			r.non_2xx = std::stoull(m[1]);
		}
	}
	if (!have_requests || !have_rate)
		throw Error(std::string("not a wrk report: no ") + (have_requests ? "'Requests/sec:'" : "'N requests in T'") +
			    " line");
	return r;
}

} // namespace smcscale
