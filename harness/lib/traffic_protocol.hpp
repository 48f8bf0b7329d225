// SPDX-License-Identifier: GPL-2.0
// What smc-traffic's client and server say to each other besides the payload. The
// client opens every connection with a Hello that tells the server how to verify it;
// in stream mode the server ends it with a Trailer saying what it verified.
// All fields little endian.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace smcscale {

enum class TrafficMode : uint8_t { request_response = 1, stream = 2 };

struct Hello {
	static constexpr uint32_t kMagic = 0x54434d53; // "SMCT"
	static constexpr uint16_t kVersion = 1;
	static constexpr size_t kSize = 32;

	TrafficMode mode = TrafficMode::request_response;
	uint32_t connection = 0;
	uint32_t request_size = 0;
	uint32_t response_size = 0;
	uint64_t seed = 0;

	std::array<uint8_t, kSize> encode() const;
	// nullopt when the bytes are not a Hello of this version.
	static std::optional<Hello> decode(const uint8_t *bytes);
};

struct Trailer {
	static constexpr size_t kSize = 16;

	uint64_t bytes_verified = 0;
	uint64_t errors = 0;

	std::array<uint8_t, kSize> encode() const;
	static Trailer decode(const uint8_t *bytes);
};

} // namespace smcscale
