// SPDX-License-Identifier: GPL-2.0
#include "latency.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace smcscale {

int LatencyHistogram::index(uint64_t ns)
{
	if (ns < kSub)
		return static_cast<int>(ns);
	const int msb = 63 - std::countl_zero(ns);
	const int shift = msb - kSubBits;
	const int sub = static_cast<int>((ns >> shift) & (kSub - 1));
	return (shift + 1) * kSub + sub;
}

uint64_t LatencyHistogram::upper_bound(int index)
{
	if (index < kSub)
		return static_cast<uint64_t>(index);
	const int shift = index / kSub - 1;
	const uint64_t sub = static_cast<uint64_t>(index % kSub) | kSub;
	return ((sub + 1) << shift) - 1;
}

void LatencyHistogram::record(uint64_t ns)
{
	buckets_[index(ns)]++;
	count_++;
	sum_ += ns;
	min_ = std::min(min_, ns);
	max_ = std::max(max_, ns);
}

void LatencyHistogram::merge(const LatencyHistogram &other)
{
	for (int i = 0; i < kBuckets; i++)
		buckets_[i] += other.buckets_[i];
	count_ += other.count_;
	sum_ += other.sum_;
	min_ = std::min(min_, other.min_);
	max_ = std::max(max_, other.max_);
}

uint64_t LatencyHistogram::percentile(double p) const
{
	if (!count_)
		return 0;
	p = std::clamp(p, 0.0, 100.0);
	const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(p / 100.0 * double(count_))));
	uint64_t seen = 0;
	for (int i = 0; i < kBuckets; i++) {
		seen += buckets_[i];
		if (seen >= rank)
			return std::clamp(upper_bound(i), min_, max_);
	}
	return max_;
}

} // namespace smcscale
