// SPDX-License-Identifier: GPL-2.0
// Checks that an SMC-R device's completion queues are spread as the CQ-spreading
// series promises: min(vectors, online CPUs) CQ pairs, distinct vectors per direction,
// links bound least-loaded (every CQ's load floor(L/n) or ceil(L/n)), every link's
// CQ indices consistent with the loads, and, after traffic, completions on every CQ
// that has links.
#pragma once

#include "smc_types.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace smcscale {

struct CqBalanceOptions {
	unsigned online_cpus = 1;
	std::optional<unsigned> max_pairs; // a cap configured on the host, if any
	bool require_completions = false;
};

struct CqCheck {
	std::string name;
	bool passed = false;
	std::string detail;
};

struct DeviceCqReport {
	SmcrDevice device;
	std::vector<Link> links; // the links on this device
	std::vector<CqCheck> checks;
	bool passed() const;
};

struct CqBalanceReport {
	CqBalanceOptions options;
	std::vector<DeviceCqReport> devices;
	bool cq_attributes = false; // the kernel reports CQs at all
	bool passed() const;
};

CqBalanceReport check_cq_balance(const std::vector<SmcrDevice> &devices, const LinkDump &links,
				 const CqBalanceOptions &options);

void render_cq_balance(std::ostream &out, const CqBalanceReport &report);
nlohmann::json cq_balance_json(const CqBalanceReport &report);

} // namespace smcscale
