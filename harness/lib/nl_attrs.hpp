// SPDX-License-Identifier: GPL-2.0
// Checked access to parsed netlink attributes (libnl does the parsing): every getter
// verifies the attribute's length first, so malformed input raises Error instead of
// reading past the attribute.
#pragma once

#include "genl_socket.hpp"

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

struct nlattr;

namespace smcscale {

class Attrs {
public:
	// The top-level attributes of a generic-netlink message (no family header).
	static Attrs of_message(const NetlinkMessage &msg, int maxtype, const char *what);
	// The attributes of a message of another protocol, after its fixed family header
	// of 'header_len' bytes (struct smc_diag_msg for sock_diag, for example).
	static Attrs of_payload(const NetlinkMessage &msg, size_t header_len, int maxtype, const char *what);
	// The attributes nested in attribute 'type' of this set; empty when absent.
	Attrs nested(int type, int maxtype) const;
	// A list nest: every attribute of type 'entry' inside attribute 'type', each
	// parsed as a nest of its own.
	std::vector<Attrs> nested_list(int type, int entry, int maxtype) const;

	bool has(int type) const;
	std::optional<uint8_t> u8(int type) const;
	std::optional<uint16_t> u16(int type) const;
	std::optional<uint32_t> u32(int type) const;
	std::optional<uint64_t> u64(int type) const;
	// A string attribute without its trailing NUL(s).
	std::optional<std::string> str(int type) const;
	// A fixed-size binary attribute (a uapi struct), copied; Error when it is shorter.
	template <typename T>
	std::optional<T> as(int type) const
	{
		if (const void *p = payload(type, sizeof(T))) {
			T v;
			std::memcpy(&v, p, sizeof(v));
			return v;
		}
		return std::nullopt;
	}

	uint8_t u8_or(int type, uint8_t fallback) const { return u8(type).value_or(fallback); }
	uint32_t u32_or(int type, uint32_t fallback) const { return u32(type).value_or(fallback); }
	uint64_t u64_or(int type, uint64_t fallback) const { return u64(type).value_or(fallback); }
	std::string str_or(int type, const std::string &fallback) const
	{
		return str(type).value_or(fallback);
	}

private:
	Attrs(std::vector<nlattr *> tb, std::string what) : tb_(std::move(tb)), what_(std::move(what)) {}
	nlattr *get(int type, size_t min_len) const;
	const void *payload(int type, size_t min_len) const;

	std::vector<nlattr *> tb_;
	std::string what_;
};

// The command of a generic-netlink message (after validating its headers).
uint8_t genl_command(const NetlinkMessage &msg);

} // namespace smcscale
