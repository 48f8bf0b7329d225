// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: /proc/stat and /proc/softirqs parsers, and the load arithmetic on
// whatever they accept. Malformed input may raise ProcParseError, nothing else.
#include "cpu_load.hpp"
#include "procfs.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const std::string_view text(reinterpret_cast<const char *>(data), size);
	// The first half as "before", the whole as "after": two related snapshots.
	const std::string_view half = text.substr(0, size / 2);
	try {
		smcscale::StatSnapshot a = smcscale::parse_proc_stat(half);
		smcscale::StatSnapshot b = smcscale::parse_proc_stat(text);
		for (const auto &u : smcscale::cpu_utilization(a, b))
			(void)u.soft;
	} catch (const smcscale::ProcParseError &) {
	}
	try {
		smcscale::SoftirqSnapshot a = smcscale::parse_proc_softirqs(half);
		smcscale::SoftirqSnapshot b = smcscale::parse_proc_softirqs(text);
		(void)smcscale::softirq_delta(a, b).get("TASKLET", 0);
	} catch (const smcscale::ProcParseError &) {
	}
	return 0;
}
