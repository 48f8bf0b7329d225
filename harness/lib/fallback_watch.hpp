// SPDX-License-Identifier: GPL-2.0
// Counts the connections that fell back from SMC to TCP during a run, from SMC's
// netlink fallback statistics (per network namespace, so other programs' fallbacks in
// the same namespace count too).
#pragma once

#include "smc_types.hpp"

#include <optional>
#include <string>

namespace smcscale {

struct FallbackDelta {
	uint64_t client = 0;
	uint64_t server = 0;
	std::string reasons; // "2 x peer does not offer SMC (0x03010000), ..."
};

class FallbackWatch {
public:
	// Takes the starting counts; without SMC's netlink family there is nothing to watch.
	FallbackWatch();
	bool available() const { return start_.has_value(); }
	// Fallbacks since construction; nullopt when not available or unreadable, with
	// the reason in *why.
	std::optional<FallbackDelta> delta(std::string *why = nullptr) const;

private:
	static std::optional<FallbackStats> read(std::string *why);
	// start_error_ is filled while start_ is initialised: it must be constructed first.
	std::string start_error_;
	std::optional<FallbackStats> start_;
};

FallbackDelta fallback_delta(const FallbackStats &before, const FallbackStats &after);

} // namespace smcscale
