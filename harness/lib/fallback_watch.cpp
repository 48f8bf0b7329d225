// SPDX-License-Identifier: GPL-2.0
#include "fallback_watch.hpp"

#include "genl_socket.hpp"
#include "smc_netlink.hpp"

#include <cstdio>
#include <map>

namespace smcscale {

FallbackWatch::FallbackWatch() : start_(read(&start_error_)) {}

std::optional<FallbackStats> FallbackWatch::read(std::string *why)
{
	try {
		GenlSocket sock;
		SmcNetlink smc(sock);
		return smc.fallback_stats();
	} catch (const std::exception &e) {
		if (why)
			*why = e.what();
		return std::nullopt;
	}
}

std::optional<FallbackDelta> FallbackWatch::delta(std::string *why) const
{
	if (!start_) {
		if (why)
			*why = start_error_;
		return std::nullopt;
	}
	auto now = read(why);
	if (!now)
		return std::nullopt;
	return fallback_delta(*start_, *now);
}

FallbackDelta fallback_delta(const FallbackStats &before, const FallbackStats &after)
{
	FallbackDelta d;
	d.client = after.client_total - std::min(after.client_total, before.client_total);
	d.server = after.server_total - std::min(after.server_total, before.server_total);
	std::map<std::pair<bool, uint32_t>, int64_t> counts;
	for (const FallbackReason &r : after.reasons)
		counts[{r.server, r.code}] += r.count;
	for (const FallbackReason &r : before.reasons)
		counts[{r.server, r.code}] -= r.count;
	for (const auto &[key, n] : counts) {
		if (n <= 0)
			continue;
		char code[16];
		std::snprintf(code, sizeof(code), "0x%08x", key.second);
		d.reasons += (d.reasons.empty() ? "" : ", ") + std::to_string(n) + " x " +
			     (key.first ? "server: " : "client: ") + fallback_reason_name(key.second) + " (" + code + ")";
	}
	return d;
}

} // namespace smcscale
