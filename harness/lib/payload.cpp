// SPDX-License-Identifier: GPL-2.0
#include "payload.hpp"

#include <cstring>

namespace smcscale {

namespace {

// splitmix64: a full-period mix, cheap enough to generate at memory speed.
uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

} // namespace

uint64_t stream_key(uint64_t seed, uint32_t connection, Direction dir)
{
	return mix(mix(seed) ^ (uint64_t(connection) << 8) ^ uint64_t(dir));
}

uint8_t PayloadStream::byte_at(uint64_t offset) const
{
	return static_cast<uint8_t>(mix(key_ + offset / 8) >> ((offset % 8) * 8));
}

void PayloadStream::fill(uint8_t *buf, size_t len)
{
	size_t i = 0;
	// Unaligned head, whole 8-byte words, tail.
	while (i < len && (offset_ + i) % 8)
		buf[i] = byte_at(offset_ + i), i++;
	for (; i + 8 <= len; i += 8) {
		uint64_t word = mix(key_ + (offset_ + i) / 8);
		for (int b = 0; b < 8; b++)
			buf[i + b] = static_cast<uint8_t>(word >> (8 * b));
	}
	for (; i < len; i++)
		buf[i] = byte_at(offset_ + i);
	offset_ += len;
}

size_t PayloadStream::verify(const uint8_t *buf, size_t len)
{
	size_t i = 0;
	while (i < len && (offset_ + i) % 8) {
		if (buf[i] != byte_at(offset_ + i))
			break;
		i++;
	}
	if (i == len || (offset_ + i) % 8 == 0) {
		for (; i + 8 <= len; i += 8) {
			uint64_t word = mix(key_ + (offset_ + i) / 8);
			uint8_t expect[8];
			for (int b = 0; b < 8; b++)
				expect[b] = static_cast<uint8_t>(word >> (8 * b));
			if (std::memcmp(buf + i, expect, 8))
				break;
		}
		for (; i < len; i++)
			if (buf[i] != byte_at(offset_ + i))
				break;
	}
	offset_ += i;
	return i;
}

} // namespace smcscale
