// SPDX-License-Identifier: GPL-2.0
#include "latency.hpp"

#include <gtest/gtest.h>

using namespace smcscale;

TEST(Latency, EmptyIsZero)
{
	LatencyHistogram h;
	EXPECT_EQ(h.count(), 0u);
	EXPECT_EQ(h.percentile(50), 0u);
	EXPECT_EQ(h.min(), 0u);
	EXPECT_EQ(h.mean(), 0.0);
}

TEST(Latency, SmallValuesAreExact)
{
	LatencyHistogram h;
	for (uint64_t v = 1; v <= 10; v++)
		h.record(v);
	EXPECT_EQ(h.percentile(50), 5u);
	EXPECT_EQ(h.percentile(100), 10u);
	EXPECT_EQ(h.percentile(0), 1u);
	EXPECT_DOUBLE_EQ(h.mean(), 5.5);
}

TEST(Latency, PercentilesWithinBucketPrecision)
{
	LatencyHistogram h;
	for (uint64_t v = 1; v <= 100000; v++)
		h.record(v * 1000); // 1 us .. 100 ms
	for (double p : {50.0, 90.0, 99.0, 99.9}) {
		const double exact = p / 100.0 * 100000 * 1000;
		const double got = double(h.percentile(p));
		EXPECT_GE(got, exact * 0.999) << p;
		EXPECT_LE(got, exact * 1.016) << p;
	}
	EXPECT_EQ(h.max(), 100000u * 1000);
	EXPECT_EQ(h.min(), 1000u);
}

TEST(Latency, MergeAddsCounts)
{
	LatencyHistogram a, b;
	a.record(100);
	b.record(1000000);
	b.record(5);
	a.merge(b);
	EXPECT_EQ(a.count(), 3u);
	EXPECT_EQ(a.min(), 5u);
	EXPECT_EQ(a.max(), 1000000u);
	EXPECT_EQ(a.percentile(100), 1000000u);
}

TEST(Latency, HugeValuesDoNotOverflow)
{
	LatencyHistogram h;
	h.record(UINT64_MAX);
	h.record(1ULL << 62);
	EXPECT_EQ(h.percentile(100), UINT64_MAX);
	EXPECT_EQ(h.percentile(50), (1ULL << 62) + ((1ULL << 62) >> 6) - 1);
}
