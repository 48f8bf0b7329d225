// SPDX-License-Identifier: GPL-2.0
// One benchmark run (a run directory of scripts/smc-vm made by scripts/bench): for each
// measured point (WORKLOAD-FAMILY-CONNECTIONS, between the markers POINT.start and
// POINT.end), what the point did and whether it counts:
//   the load's result (wrk or smc-traffic): QPS, p50/p99, errors;
//   the server's per-CPU %usr/%sys/%soft and SMC's CQ work per CPU (smc-softirq), with
//     the busiest CPU's share and Jain's index over the completion CPUs;
//   the server's CQ table and link groups at the end, fallbacks on both sides, the
//     server's rxe counter deltas;
//   every vCPU thread's host CPU time (host/vcpu.tsv) against its cap, the NIC vCPU's
//     utilisation in the guest and on the host;
//   softirq CPU time per request.
// A point with a fallback, an error, or a saturated NIC vCPU or client is invalid, with
// the reasons.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace smcscale {

// Reads RUN_DIR (bench.env says the variant, the repetition and the guest shape);
// returns a "smc-bench.run" document with one record per point. Throws Error naming the
// file that is missing or malformed.
nlohmann::json collect_bench_run(const std::string &run_dir);

} // namespace smcscale
