// SPDX-License-Identifier: GPL-2.0
// The report of one testbed run (a run directory of scripts/smc-vm): its options and
// kernel, the module variant and the series' commit, the guests' vCPUs, and per guest
// the link groups, links, CQ table, fallbacks, traffic results (smc-traffic --json) and
// per-CPU load (smc-softirq --output). Works the same for two real hosts whose files
// are laid out the same way.
#pragma once

#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace smcscale {

// Reads RUN_DIR/run.env and RUN_DIR/{server,client}/...; a file that is missing is left
// out of the report, a file that is malformed raises Error naming it.
nlohmann::json read_run_report(const std::string &run_dir);

void render_run_report(std::ostream &out, const nlohmann::json &report);

// A key=value file (run.env, bench.env) as a JSON object of strings; '#' lines and blank
// lines are skipped. Throws Error naming the file and line that is malformed.
nlohmann::json read_env(const std::string &path);

} // namespace smcscale
