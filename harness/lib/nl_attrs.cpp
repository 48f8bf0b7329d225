// SPDX-License-Identifier: GPL-2.0
#include "nl_attrs.hpp"

#include "error.hpp"

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <cstring>

namespace smcscale {

namespace {

void check_headers(const NetlinkMessage &msg, const char *what)
{
	const size_t min = NLMSG_HDRLEN + GENL_HDRLEN;
	if (msg.bytes.size() < min)
		throw Error(std::string(what) + ": message of " + std::to_string(msg.bytes.size()) +
			    " bytes is shorter than its headers");
	const nlmsghdr *nlh = msg.header();
	if (nlh->nlmsg_len < min || nlh->nlmsg_len > msg.bytes.size())
		throw Error(std::string(what) + ": message length " + std::to_string(nlh->nlmsg_len) +
			    " does not fit the " + std::to_string(msg.bytes.size()) + " bytes received");
}

} // namespace

uint8_t genl_command(const NetlinkMessage &msg)
{
	check_headers(msg, "netlink message");
	return static_cast<const genlmsghdr *>(nlmsg_data(msg.header()))->cmd;
}

Attrs Attrs::of_message(const NetlinkMessage &msg, int maxtype, const char *what)
{
	check_headers(msg, what);
	std::vector<nlattr *> tb(maxtype + 1, nullptr);
	// libnl's parser wants a mutable header; it does not write through it.
	auto *nlh = const_cast<nlmsghdr *>(msg.header());
	int rc = genlmsg_parse(nlh, 0, tb.data(), maxtype, nullptr);
	if (rc < 0)
		throw Error(std::string(what) + ": malformed attributes: " + nl_geterror(rc));
	return Attrs(std::move(tb), what);
}

Attrs Attrs::of_payload(const NetlinkMessage &msg, size_t header_len, int maxtype, const char *what)
{
	const size_t min = NLMSG_HDRLEN + header_len;
	if (msg.bytes.size() < min || msg.header()->nlmsg_len < min || msg.header()->nlmsg_len > msg.bytes.size())
		throw Error(std::string(what) + ": message of " + std::to_string(msg.bytes.size()) +
			    " bytes does not hold its " + std::to_string(min) + " bytes of headers");
	std::vector<nlattr *> tb(maxtype + 1, nullptr);
	auto *nlh = const_cast<nlmsghdr *>(msg.header());
	int rc = nlmsg_parse(nlh, static_cast<int>(header_len), tb.data(), maxtype, nullptr);
	if (rc < 0)
		throw Error(std::string(what) + ": malformed attributes: " + nl_geterror(rc));
	return Attrs(std::move(tb), what);
}

Attrs Attrs::nested(int type, int maxtype) const
{
	std::vector<nlattr *> tb(maxtype + 1, nullptr);
	nlattr *nest = get(type, 0);
	if (nest) {
		int rc = nla_parse_nested(tb.data(), maxtype, nest, nullptr);
		if (rc < 0)
			throw Error(what_ + ": malformed nested attribute " + std::to_string(type) +
				    ": " + nl_geterror(rc));
	}
	return Attrs(std::move(tb), what_);
}

std::vector<Attrs> Attrs::nested_list(int type, int entry, int maxtype) const
{
	std::vector<Attrs> out;
	nlattr *nest = get(type, 0);
	if (!nest)
		return out;
	nlattr *pos;
	int rem;
	nla_for_each_nested(pos, nest, rem)
	{
		if (nla_type(pos) != entry)
			continue;
		std::vector<nlattr *> tb(maxtype + 1, nullptr);
		int rc = nla_parse_nested(tb.data(), maxtype, pos, nullptr);
		if (rc < 0)
			throw Error(what_ + ": malformed entry of list attribute " + std::to_string(type) +
				    ": " + nl_geterror(rc));
		out.push_back(Attrs(std::move(tb), what_));
	}
	return out;
}

nlattr *Attrs::get(int type, size_t min_len) const
{
	if (type < 0 || static_cast<size_t>(type) >= tb_.size() || !tb_[type])
		return nullptr;
	nlattr *a = tb_[type];
	if (static_cast<size_t>(nla_len(a)) < min_len)
		throw Error(what_ + ": attribute " + std::to_string(type) + " has " +
			    std::to_string(nla_len(a)) + " bytes, expected at least " +
			    std::to_string(min_len));
	return a;
}

const void *Attrs::payload(int type, size_t min_len) const
{
	nlattr *a = get(type, min_len);
	return a ? nla_data(a) : nullptr;
}

bool Attrs::has(int type) const
{
	return get(type, 0) != nullptr;
}

std::optional<uint8_t> Attrs::u8(int type) const
{
	if (nlattr *a = get(type, sizeof(uint8_t)))
		return nla_get_u8(a);
	return std::nullopt;
}

std::optional<uint16_t> Attrs::u16(int type) const
{
	if (nlattr *a = get(type, sizeof(uint16_t)))
		return nla_get_u16(a);
	return std::nullopt;
}

std::optional<uint32_t> Attrs::u32(int type) const
{
	if (nlattr *a = get(type, sizeof(uint32_t)))
		return nla_get_u32(a);
	return std::nullopt;
}

std::optional<uint64_t> Attrs::u64(int type) const
{
	if (nlattr *a = get(type, sizeof(uint64_t)))
		return nla_get_u64(a);
	return std::nullopt;
}

std::optional<std::string> Attrs::str(int type) const
{
	nlattr *a = get(type, 0);
	if (!a)
		return std::nullopt;
	const auto *data = static_cast<const char *>(nla_data(a));
	return std::string(data, strnlen(data, nla_len(a)));
}

} // namespace smcscale
