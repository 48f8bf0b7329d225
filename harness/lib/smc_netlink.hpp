// SPDX-License-Identifier: GPL-2.0
// SMC's two generic-netlink families: SMC_GEN_NETLINK (devices, link groups, links,
// statistics, UEIDs) and SMC_PNETID (the PNET table). Parsers and request builders are
// free functions over whole messages, so tests run them on recorded kernel replies.
#pragma once

#include "genl_socket.hpp"
#include "smc_types.hpp"

#include <string>
#include <vector>

namespace smcscale {

// ---- validation (the kernel's rules, checked before asking it) ----

// A UEID as the kernel stores it: 1-32 characters A-Z 0-9 '.' '-', first one
// alphanumeric; lowercase letters are upper-cased. Returns it blank-padded to 32.
// Throws Error naming the offending character otherwise.
std::string normalize_ueid(const std::string &ueid);

// A PNET ID: 1-16 alphanumeric characters, upper-cased.
std::string normalize_pnetid(const std::string &pnetid);

// ---- request attributes ----

AttributeWriter ueid_attributes(const std::string &padded_ueid);
AttributeWriter pnet_eth_attributes(const std::string &pnetid, const std::string &eth);
AttributeWriter pnet_ib_attributes(const std::string &pnetid, const std::string &ib, uint8_t port);
AttributeWriter pnet_name_attributes(const std::string &pnetid);

// ---- reply parsers (throw Error on a malformed message) ----

SysInfo parse_sys_info(const NetlinkMessage &msg);
SmcrDevice parse_smcr_device(const NetlinkMessage &msg);
// One GET_CQ_SMCR reply: the CQ and the name of its device.
std::pair<std::string, SmcrCq> parse_smcr_cq(const NetlinkMessage &msg);
// GET_DEV_SMCR replies, and the GET_CQ_SMCR replies that add each device's CQs.
std::vector<SmcrDevice> parse_smcr_devices(const std::vector<NetlinkMessage> &msgs);
// Link groups and the links that follow each of them in a GET_LINK_SMCR dump.
LinkDump parse_link_dump(const std::vector<NetlinkMessage> &msgs);
Stats parse_stats(const NetlinkMessage &msg);
FallbackStats parse_fallback_stats(const std::vector<NetlinkMessage> &msgs);
std::string parse_ueid(const NetlinkMessage &msg);
PnetEntry parse_pnet_entry(const NetlinkMessage &msg);

// ---- the client ----

class SmcNetlink {
public:
	explicit SmcNetlink(GenlSocket &sock) : sock_(sock) {}

	SysInfo sys_info();
	std::vector<SmcrDevice> smcr_devices();
	// Raw GET_DEV_SMCR replies, then the GET_CQ_SMCR ones where the kernel has the series.
	std::vector<NetlinkMessage> smcr_device_messages();
	std::vector<LinkGroup> link_groups();
	LinkDump links();
	// Raw GET_LINK_SMCR replies (link group and link messages interleaved).
	std::vector<NetlinkMessage> link_messages();
	Stats stats();
	FallbackStats fallback_stats();

	std::vector<std::string> ueids();
	void add_ueid(const std::string &ueid);
	void remove_ueid(const std::string &ueid);
	void flush_ueids();

	std::vector<PnetEntry> pnet_entries();
	void pnet_add_eth(const std::string &pnetid, const std::string &eth);
	void pnet_add_ib(const std::string &pnetid, const std::string &ib, uint8_t port);
	void pnet_remove(const std::string &pnetid);
	void pnet_flush();

private:
	int gen_family();
	int pnet_family();
	std::vector<NetlinkMessage> gen_dump(uint8_t cmd);

	GenlSocket &sock_;
	int gen_family_ = -1;
	int pnet_family_ = -1;
};

} // namespace smcscale
