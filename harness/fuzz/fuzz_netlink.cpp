// SPDX-License-Identifier: GPL-2.0
// libFuzzer target: the SMC netlink and smc_diag reply parsers, fed one message or a dump of several
// (split where each message's length says). Malformed input may raise Error, nothing else.
#include "error.hpp"
#include "genl_socket.hpp"
#include "smc_diag.hpp"
#include "smc_netlink.hpp"

#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <functional>

using namespace smcscale;

namespace {

template <typename Fn>
void expect_error_or_value(Fn fn)
{
	try {
		fn();
	} catch (const Error &) {
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	NetlinkMessage whole{std::vector<uint8_t>(data, data + size)};
	expect_error_or_value([&] { parse_smcr_device(whole); });
	expect_error_or_value([&] { parse_smcr_cq(whole); });
	expect_error_or_value([&] { parse_stats(whole); });
	expect_error_or_value([&] { parse_sys_info(whole); });
	expect_error_or_value([&] { parse_ueid(whole); });
	expect_error_or_value([&] { parse_pnet_entry(whole); });
	expect_error_or_value([&] { parse_smc_diag_message(whole); });

	// A dump: messages back to back, each as long as its header claims.
	std::vector<NetlinkMessage> dump;
	size_t off = 0;
	while (off + sizeof(nlmsghdr) <= size) {
		nlmsghdr h;
		std::memcpy(&h, data + off, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > size - off)
			break;
		dump.push_back(NetlinkMessage{std::vector<uint8_t>(data + off, data + off + h.nlmsg_len)});
		off += std::min<size_t>(NLMSG_ALIGN(size_t(h.nlmsg_len)), size - off);
	}
	expect_error_or_value([&] { parse_link_dump(dump); });
	expect_error_or_value([&] { parse_smcr_devices(dump); });
	expect_error_or_value([&] { parse_fallback_stats(dump); });
	return 0;
}
