// SPDX-License-Identifier: GPL-2.0
// A verifiable byte stream: byte i of a stream is a pure function of the stream's key
// and i, so the receiver can check every byte without any copy of what was sent.
// Each connection and direction gets its own key, so a byte delivered to the wrong
// connection, repeated, dropped or reordered is caught.
#pragma once

#include <cstddef>
#include <cstdint>

namespace smcscale {

enum class Direction : uint8_t { request = 1, response = 2 };

// The key of one direction of one connection of a run.
uint64_t stream_key(uint64_t seed, uint32_t connection, Direction dir);

class PayloadStream {
public:
	explicit PayloadStream(uint64_t key = 0) : key_(key) {}

	// Writes the next len bytes of the stream into buf.
	void fill(uint8_t *buf, size_t len);
	// Checks buf against the next len bytes of the stream and advances past them.
	// Returns len when all match, else the index of the first byte that differs (and
	// the stream stays at that byte).
	size_t verify(const uint8_t *buf, size_t len);
	uint64_t offset() const { return offset_; }

private:
	uint8_t byte_at(uint64_t offset) const;

	uint64_t key_;
	uint64_t offset_ = 0;
};

} // namespace smcscale
