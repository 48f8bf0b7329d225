// SPDX-License-Identifier: GPL-2.0
// A log-linear latency histogram in nanoseconds: 64 sub-buckets per power of two, so a
// percentile is within 1.6 % of the true value, in constant memory however long a run.
#pragma once

#include <array>
#include <cstdint>

namespace smcscale {

class LatencyHistogram {
public:
	void record(uint64_t ns);
	void merge(const LatencyHistogram &other);

	uint64_t count() const { return count_; }
	uint64_t min() const { return count_ ? min_ : 0; }
	uint64_t max() const { return max_; }
	double mean() const { return count_ ? double(sum_) / double(count_) : 0.0; }
	// The smallest recorded value v such that at least p percent of values are <= v
	// (to the bucket's upper bound); 0 when empty. p in [0, 100].
	uint64_t percentile(double p) const;

private:
	static constexpr int kSubBits = 6;
	static constexpr int kSub = 1 << kSubBits;
	static constexpr int kBuckets = (64 - kSubBits + 1) * kSub;
	static int index(uint64_t ns);
	static uint64_t upper_bound(int index);

	std::array<uint64_t, kBuckets> buckets_{};
	uint64_t count_ = 0;
	uint64_t sum_ = 0;
	uint64_t min_ = UINT64_MAX;
	uint64_t max_ = 0;
};

} // namespace smcscale
