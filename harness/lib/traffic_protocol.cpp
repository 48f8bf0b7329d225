// SPDX-License-Identifier: GPL-2.0
#include "traffic_protocol.hpp"

namespace smcscale {

namespace {

template <typename T>
void put_le(uint8_t *p, T v)
{
	for (size_t i = 0; i < sizeof(T); i++)
		p[i] = static_cast<uint8_t>(v >> (8 * i));
}

template <typename T>
T get_le(const uint8_t *p)
{
	T v = 0;
	for (size_t i = 0; i < sizeof(T); i++)
		v |= static_cast<T>(p[i]) << (8 * i);
	return v;
}

} // namespace

std::array<uint8_t, Hello::kSize> Hello::encode() const
{
	std::array<uint8_t, kSize> b{};
	put_le<uint32_t>(&b[0], kMagic);
	put_le<uint16_t>(&b[4], kVersion);
	b[6] = static_cast<uint8_t>(mode);
	put_le<uint32_t>(&b[8], connection);
	put_le<uint32_t>(&b[12], request_size);
	put_le<uint32_t>(&b[16], response_size);
	put_le<uint64_t>(&b[20], seed);
	return b;
}

std::optional<Hello> Hello::decode(const uint8_t *b)
{
	if (get_le<uint32_t>(&b[0]) != kMagic || get_le<uint16_t>(&b[4]) != kVersion)
		return std::nullopt;
	Hello h;
	if (b[6] != static_cast<uint8_t>(TrafficMode::request_response) &&
	    b[6] != static_cast<uint8_t>(TrafficMode::stream))
		return std::nullopt;
	h.mode = static_cast<TrafficMode>(b[6]);
	h.connection = get_le<uint32_t>(&b[8]);
	h.request_size = get_le<uint32_t>(&b[12]);
	h.response_size = get_le<uint32_t>(&b[16]);
	h.seed = get_le<uint64_t>(&b[20]);
	return h;
}

std::array<uint8_t, Trailer::kSize> Trailer::encode() const
{
	std::array<uint8_t, kSize> b{};
	put_le<uint64_t>(&b[0], bytes_verified);
	put_le<uint64_t>(&b[8], errors);
	return b;
}

Trailer Trailer::decode(const uint8_t *b)
{
	return Trailer{get_le<uint64_t>(&b[0]), get_le<uint64_t>(&b[8])};
}

} // namespace smcscale
