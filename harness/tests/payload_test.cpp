// SPDX-License-Identifier: GPL-2.0
#include "payload.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace smcscale;

TEST(Payload, ChunkingDoesNotChangeTheStream)
{
	const uint64_t key = stream_key(7, 3, Direction::request);
	std::vector<uint8_t> whole(1000), parts(1000);
	PayloadStream(key).fill(whole.data(), whole.size());
	PayloadStream s(key);
	size_t off = 0;
	for (size_t len : {1, 7, 8, 13, 64, 3, 904}) {
		s.fill(parts.data() + off, len);
		off += len;
	}
	ASSERT_EQ(off, whole.size());
	EXPECT_EQ(whole, parts);
}

TEST(Payload, VerifyAcceptsTheStreamInAnyChunking)
{
	const uint64_t key = stream_key(1, 0, Direction::response);
	std::vector<uint8_t> data(4099);
	PayloadStream(key).fill(data.data(), data.size());
	PayloadStream v(key);
	size_t off = 0;
	for (size_t len : {5, 3, 1000, 1, 3090}) {
		ASSERT_EQ(v.verify(data.data() + off, len), len);
		off += len;
	}
	EXPECT_EQ(v.offset(), data.size());
}

TEST(Payload, VerifyFindsTheFirstBadByte)
{
	const uint64_t key = stream_key(1, 0, Direction::request);
	std::vector<uint8_t> data(300);
	PayloadStream(key).fill(data.data(), data.size());
	for (size_t bad : {0, 5, 8, 123, 299}) {
		auto copy = data;
		copy[bad] ^= 0x40;
		PayloadStream v(key);
		EXPECT_EQ(v.verify(copy.data(), copy.size()), bad);
		EXPECT_EQ(v.offset(), bad);
	}
}

TEST(Payload, StreamsOfOtherConnectionsAndDirectionsDiffer)
{
	std::vector<uint8_t> a(64), b(64), c(64), d(64);
	PayloadStream(stream_key(1, 0, Direction::request)).fill(a.data(), 64);
	PayloadStream(stream_key(1, 1, Direction::request)).fill(b.data(), 64);
	PayloadStream(stream_key(1, 0, Direction::response)).fill(c.data(), 64);
	PayloadStream(stream_key(2, 0, Direction::request)).fill(d.data(), 64);
	EXPECT_NE(a, b);
	EXPECT_NE(a, c);
	EXPECT_NE(a, d);
}

TEST(Payload, ShiftedDataIsCaught)
{
	// A dropped byte must not go unnoticed.
	const uint64_t key = stream_key(9, 9, Direction::request);
	std::vector<uint8_t> data(100);
	PayloadStream(key).fill(data.data(), data.size());
	data.erase(data.begin() + 10);
	PayloadStream v(key);
	EXPECT_LT(v.verify(data.data(), data.size()), data.size());
}
