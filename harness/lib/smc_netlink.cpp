// SPDX-License-Identifier: GPL-2.0
#include "smc_netlink.hpp"

#include "error.hpp"
#include "nl_attrs.hpp"
#include "smc_uapi_cq.h"

#include <linux/smc.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include <algorithm>
#include <cctype>

namespace smcscale {

namespace {

constexpr size_t kMaxPnetidLen = 16; // SMC_MAX_PNETID_LEN in net/smc

void put_string(nl_msg *msg, int type, const std::string &value)
{
	if (nla_put_string(msg, type, value.c_str()) < 0)
		throw Error("netlink: attribute " + std::to_string(type) + " does not fit the message");
}

} // namespace

std::string normalize_ueid(const std::string &ueid)
{
	if (ueid.empty())
		throw Error("UEID is empty");
	if (ueid.size() > SMC_MAX_EID_LEN)
		throw Error("UEID '" + ueid + "' is longer than " + std::to_string(SMC_MAX_EID_LEN) +
			    " characters");
	std::string out;
	for (size_t i = 0; i < ueid.size(); i++) {
		const unsigned char c = static_cast<unsigned char>(ueid[i]);
		const bool alnum = std::isalnum(c) && c < 0x80;
		if (i == 0 && !alnum)
			throw Error("UEID '" + ueid + "' must start with a letter or digit");
		if (!alnum && c != '.' && c != '-')
			throw Error("UEID '" + ueid + "' contains '" + std::string(1, ueid[i]) +
				    "': only A-Z, 0-9, '.' and '-' are allowed");
		out += static_cast<char>(std::toupper(c));
	}
	out.resize(SMC_MAX_EID_LEN, ' ');
	return out;
}

std::string normalize_pnetid(const std::string &pnetid)
{
	if (pnetid.empty() || pnetid.size() > kMaxPnetidLen)
		throw Error("PNET ID '" + pnetid + "' must have 1 to " + std::to_string(kMaxPnetidLen) +
			    " characters");
	std::string out;
	for (char ch : pnetid) {
		const unsigned char c = static_cast<unsigned char>(ch);
		if (!std::isalnum(c) || c >= 0x80)
			throw Error("PNET ID '" + pnetid + "' contains '" + std::string(1, ch) +
				    "': only letters and digits are allowed");
		out += static_cast<char>(std::toupper(c));
	}
	return out;
}

AttributeWriter ueid_attributes(const std::string &padded_ueid)
{
	// The kernel wants exactly 32 characters plus the NUL.
	return [padded_ueid](nl_msg *msg) { put_string(msg, SMC_NLA_EID_TABLE_ENTRY, padded_ueid); };
}

AttributeWriter pnet_eth_attributes(const std::string &pnetid, const std::string &eth)
{
	return [pnetid, eth](nl_msg *msg) {
		put_string(msg, SMC_PNETID_NAME, pnetid);
		put_string(msg, SMC_PNETID_ETHNAME, eth);
	};
}

AttributeWriter pnet_ib_attributes(const std::string &pnetid, const std::string &ib, uint8_t port)
{
	return [pnetid, ib, port](nl_msg *msg) {
		put_string(msg, SMC_PNETID_NAME, pnetid);
		put_string(msg, SMC_PNETID_IBNAME, ib);
		if (nla_put_u8(msg, SMC_PNETID_IBPORT, port) < 0)
			throw Error("netlink: IB port attribute does not fit the message");
	};
}

AttributeWriter pnet_name_attributes(const std::string &pnetid)
{
	return [pnetid](nl_msg *msg) { put_string(msg, SMC_PNETID_NAME, pnetid); };
}

SysInfo parse_sys_info(const NetlinkMessage &msg)
{
	Attrs info = Attrs::of_message(msg, SMC_GEN_MAX, "SMC sys info")
			     .nested(SMC_GEN_SYS_INFO, SMC_NLA_SYS_MAX);
	SysInfo s;
	s.version = info.u8_or(SMC_NLA_SYS_VER, 0);
	s.release = info.u8_or(SMC_NLA_SYS_REL, 0);
	s.ism_v2 = info.u8_or(SMC_NLA_SYS_IS_ISM_V2, 0);
	s.smcr_v2 = info.u8_or(SMC_NLA_SYS_IS_SMCR_V2, 0);
	// The kernel keeps the host name blank-padded to 32 characters.
	s.local_host = info.str_or(SMC_NLA_SYS_LOCAL_HOST, "");
	s.local_host.erase(s.local_host.find_last_not_of(' ') + 1);
	s.seid = info.str_or(SMC_NLA_SYS_SEID, "");
	return s;
}

std::pair<std::string, SmcrCq> parse_smcr_cq(const NetlinkMessage &msg)
{
	Attrs c = Attrs::of_message(msg, SMC_GEN_MAX_WITH_CQS, "SMC-R CQ").nested(SMC_GEN_CQ_SMCR, SMC_NLA_CQ_MAX);
	auto ib_name = c.str(SMC_NLA_CQ_IB_NAME);
	auto dir = c.u32(SMC_NLA_CQ_DIR);
	auto index = c.u32(SMC_NLA_CQ_INDEX);
	if (!ib_name || !dir || !index)
		throw Error("SMC-R CQ: reply without device, direction or index");
	SmcrCq cq;
	cq.send = *dir == SMC_CQ_DIR_SEND;
	cq.index = *index;
	cq.vector = c.u32_or(SMC_NLA_CQ_VECTOR, 0);
	cq.entries = c.u32_or(SMC_NLA_CQ_ENTRIES, 0);
	cq.reserved = c.u32_or(SMC_NLA_CQ_RESERVED, 0);
	cq.load = c.u32_or(SMC_NLA_CQ_LNK_CNT, 0);
	cq.completions = c.u64_or(SMC_NLA_CQ_COMPL_CNT, 0);
	return {*ib_name, cq};
}

std::vector<SmcrDevice> parse_smcr_devices(const std::vector<NetlinkMessage> &msgs)
{
	std::vector<SmcrDevice> devices;
	std::vector<std::pair<std::string, SmcrCq>> cqs;
	for (const NetlinkMessage &m : msgs) {
		switch (genl_command(m)) {
		case SMC_NETLINK_GET_DEV_SMCR:
			devices.push_back(parse_smcr_device(m));
			break;
		case SMC_NETLINK_GET_CQ_SMCR:
			cqs.push_back(parse_smcr_cq(m));
			break;
		default:
			break;
		}
	}
	// a plain loop variable: clang 14 cannot capture a structured binding
	for (const auto &named_cq : cqs) {
		const std::string &ib_name = named_cq.first;
		auto d = std::find_if(devices.begin(), devices.end(),
				      [&](const SmcrDevice &dev) { return dev.ib_name == ib_name; });
		if (d == devices.end())
			throw Error("SMC-R CQ of device " + ib_name + ", which the device dump does not list");
		d->cqs.push_back(named_cq.second);
	}
	return devices;
}

SmcrDevice parse_smcr_device(const NetlinkMessage &msg)
{
	Attrs dev = Attrs::of_message(msg, SMC_GEN_MAX, "SMC-R device")
			    .nested(SMC_GEN_DEV_SMCR, SMC_NLA_DEV_MAX_WITH_CQS);
	SmcrDevice d;
	d.ib_name = dev.str_or(SMC_NLA_DEV_IB_NAME, "");
	if (d.ib_name.empty())
		throw Error("SMC-R device: reply carries no IB device name");
	d.critical = dev.u8_or(SMC_NLA_DEV_IS_CRIT, 0);
	d.pci_id = dev.str(SMC_NLA_DEV_PCI_ID);
	d.pci_vendor = dev.u16(SMC_NLA_DEV_PCI_VENDOR);
	d.pci_device = dev.u16(SMC_NLA_DEV_PCI_DEVICE);
	for (int i = 0; i < 2; i++) {
		if (!dev.has(SMC_NLA_DEV_PORT + i))
			continue;
		Attrs p = dev.nested(SMC_NLA_DEV_PORT + i, SMC_NLA_DEV_PORT_MAX);
		SmcrPort port;
		port.port = i + 1;
		port.pnetid_by_user = p.u8_or(SMC_NLA_DEV_PORT_PNET_USR, 0);
		port.pnetid = p.str_or(SMC_NLA_DEV_PORT_PNETID, "");
		port.netdev_ifindex = p.u32_or(SMC_NLA_DEV_PORT_NETDEV, 0);
		port.state = p.u8_or(SMC_NLA_DEV_PORT_STATE, 0);
		port.valid = p.u8_or(SMC_NLA_DEV_PORT_VALID, 0);
		port.link_count = p.u32_or(SMC_NLA_DEV_PORT_LNK_CNT, 0);
		d.ports.push_back(port);
	}
	d.comp_vectors = dev.u32(SMC_NLA_DEV_COMP_VECTORS);
	d.cq_pairs = dev.u32(SMC_NLA_DEV_CQ_CNT);
	return d;
}

namespace {

LinkGroup parse_link_group(const NetlinkMessage &msg)
{
	Attrs lgr = Attrs::of_message(msg, SMC_GEN_MAX, "SMC-R link group")
			    .nested(SMC_GEN_LGR_SMCR, SMC_NLA_LGR_R_MAX);
	LinkGroup g;
	auto id = lgr.u32(SMC_NLA_LGR_R_ID);
	if (!id)
		throw Error("SMC-R link group: reply carries no link group id");
	g.id = *id;
	g.role = lgr.u8_or(SMC_NLA_LGR_R_ROLE, 0);
	g.type = lgr.u8_or(SMC_NLA_LGR_R_TYPE, 0);
	g.vlan_id = lgr.u8_or(SMC_NLA_LGR_R_VLAN_ID, 0);
	g.connections = lgr.u32_or(SMC_NLA_LGR_R_CONNS_NUM, 0);
	g.pnetid = lgr.str_or(SMC_NLA_LGR_R_PNETID, "");
	g.buf_type = lgr.u8_or(SMC_NLA_LGR_R_BUF_TYPE, 0);
	g.net_cookie = lgr.u64_or(SMC_NLA_LGR_R_NET_COOKIE, 0);
	if (lgr.has(SMC_NLA_LGR_R_V2_COMMON)) {
		// This nest's enum starts at 0 (SMC_NLA_LGR_V2_VER), unlike the others.
		Attrs v2 = lgr.nested(SMC_NLA_LGR_R_V2_COMMON, SMC_NLA_LGR_V2_MAX);
		g.v2_version = v2.u8(SMC_NLA_LGR_V2_VER);
		g.v2_release = v2.u8(SMC_NLA_LGR_V2_REL);
		// Both are blank-padded to 32 characters in the kernel.
		if (auto eid = v2.str(SMC_NLA_LGR_V2_NEG_EID))
			g.negotiated_eid = eid->substr(0, eid->find_last_not_of(' ') + 1);
		if (auto host = v2.str(SMC_NLA_LGR_V2_PEER_HOST))
			g.peer_host = host->substr(0, host->find_last_not_of(' ') + 1);
	}
	if (lgr.has(SMC_NLA_LGR_R_V2)) {
		Attrs v2 = lgr.nested(SMC_NLA_LGR_R_V2, SMC_NLA_LGR_R_V2_MAX);
		if (auto direct = v2.u8(SMC_NLA_LGR_R_V2_DIRECT))
			g.v2_direct = *direct != 0;
	}
	return g;
}

Link parse_link(const NetlinkMessage &msg, uint32_t lgr_id)
{
	Attrs a = Attrs::of_message(msg, SMC_GEN_MAX, "SMC-R link")
			  .nested(SMC_GEN_LINK_SMCR, SMC_NLA_LINK_MAX_WITH_CQS);
	Link l;
	l.lgr_id = lgr_id;
	l.link_id = a.u8_or(SMC_NLA_LINK_ID, 0);
	l.state = a.u32_or(SMC_NLA_LINK_STATE, 0);
	l.connections = a.u32_or(SMC_NLA_LINK_CONN_CNT, 0);
	l.ib_device = a.str_or(SMC_NLA_LINK_IB_DEV, "");
	l.ib_port = a.u8_or(SMC_NLA_LINK_IB_PORT, 0);
	l.netdev_ifindex = a.u32_or(SMC_NLA_LINK_NET_DEV, 0);
	l.uid = a.u32_or(SMC_NLA_LINK_UID, 0);
	l.peer_uid = a.u32_or(SMC_NLA_LINK_PEER_UID, 0);
	l.gid = a.str_or(SMC_NLA_LINK_GID, "");
	l.peer_gid = a.str_or(SMC_NLA_LINK_PEER_GID, "");
	l.send_cq = a.u32(SMC_NLA_LINK_SEND_CQ);
	l.recv_cq = a.u32(SMC_NLA_LINK_RECV_CQ);
	l.qpn = a.u32(SMC_NLA_LINK_QPN);
	l.peer_qpn = a.u32(SMC_NLA_LINK_PEER_QPN);
	return l;
}

TechStats parse_tech(const Attrs &stats, int type)
{
	Attrs t = stats.nested(type, SMC_NLA_STATS_T_MAX);
	TechStats s;
	s.client_v1_success = t.u64_or(SMC_NLA_STATS_T_CLNT_V1_SUCC, 0);
	s.client_v2_success = t.u64_or(SMC_NLA_STATS_T_CLNT_V2_SUCC, 0);
	s.server_v1_success = t.u64_or(SMC_NLA_STATS_T_SRV_V1_SUCC, 0);
	s.server_v2_success = t.u64_or(SMC_NLA_STATS_T_SRV_V2_SUCC, 0);
	s.rx_bytes = t.u64_or(SMC_NLA_STATS_T_RX_BYTES, 0);
	s.tx_bytes = t.u64_or(SMC_NLA_STATS_T_TX_BYTES, 0);
	s.rx_count = t.u64_or(SMC_NLA_STATS_T_RX_CNT, 0);
	s.tx_count = t.u64_or(SMC_NLA_STATS_T_TX_CNT, 0);
	return s;
}

} // namespace

LinkDump parse_link_dump(const std::vector<NetlinkMessage> &msgs)
{
	LinkDump dump;
	for (const NetlinkMessage &m : msgs) {
		switch (genl_command(m)) {
		case SMC_NETLINK_GET_LGR_SMCR:
			dump.groups.push_back(parse_link_group(m));
			break;
		case SMC_NETLINK_GET_LINK_SMCR:
			if (dump.groups.empty())
				throw Error("SMC-R link dump: a link came before any link group");
			dump.links.push_back(parse_link(m, dump.groups.back().id));
			break;
		default:
			throw Error("SMC-R link dump: unexpected command " +
				    std::to_string(genl_command(m)));
		}
	}
	return dump;
}

Stats parse_stats(const NetlinkMessage &msg)
{
	Attrs stats = Attrs::of_message(msg, SMC_GEN_MAX, "SMC statistics")
			      .nested(SMC_GEN_STATS, SMC_NLA_STATS_MAX);
	Stats s;
	s.smcd = parse_tech(stats, SMC_NLA_STATS_SMCD_TECH);
	s.smcr = parse_tech(stats, SMC_NLA_STATS_SMCR_TECH);
	s.client_handshake_errors = stats.u64_or(SMC_NLA_STATS_CLNT_HS_ERR_CNT, 0);
	s.server_handshake_errors = stats.u64_or(SMC_NLA_STATS_SRV_HS_ERR_CNT, 0);
	return s;
}

FallbackStats parse_fallback_stats(const std::vector<NetlinkMessage> &msgs)
{
	FallbackStats f;
	for (const NetlinkMessage &m : msgs) {
		Attrs a = Attrs::of_message(m, SMC_GEN_MAX, "SMC fallback statistics")
				  .nested(SMC_GEN_FBACK_STATS, SMC_NLA_FBACK_STATS_MAX);
		// Only the first message of a dump carries the totals.
		if (auto v = a.u64(SMC_NLA_FBACK_STATS_SRV_CNT))
			f.server_total = *v;
		if (auto v = a.u64(SMC_NLA_FBACK_STATS_CLNT_CNT))
			f.client_total = *v;
		auto code = a.u32(SMC_NLA_FBACK_STATS_RSN_CODE);
		if (!code)
			continue;
		FallbackReason r;
		r.server = a.u8_or(SMC_NLA_FBACK_STATS_TYPE, 0);
		r.code = *code;
		r.count = a.u16(SMC_NLA_FBACK_STATS_RSN_CNT).value_or(0);
		f.reasons.push_back(r);
	}
	return f;
}

std::string parse_ueid(const NetlinkMessage &msg)
{
	Attrs a = Attrs::of_message(msg, SMC_NLA_EID_TABLE_MAX, "UEID table");
	auto ueid = a.str(SMC_NLA_EID_TABLE_ENTRY);
	if (!ueid)
		throw Error("UEID table: entry without SMC_NLA_EID_TABLE_ENTRY");
	// Stored blank-padded: show it without the padding.
	return ueid->substr(0, ueid->find_last_not_of(' ') + 1);
}

PnetEntry parse_pnet_entry(const NetlinkMessage &msg)
{
	Attrs a = Attrs::of_message(msg, SMC_PNETID_MAX, "PNET table");
	PnetEntry e;
	e.pnetid = a.str_or(SMC_PNETID_NAME, "");
	if (e.pnetid.empty())
		throw Error("PNET table: entry without a PNET ID");
	e.eth_name = a.str_or(SMC_PNETID_ETHNAME, "n/a");
	e.ib_name = a.str_or(SMC_PNETID_IBNAME, "n/a");
	e.ib_port = a.u8_or(SMC_PNETID_IBPORT, 0xff);
	return e;
}

int SmcNetlink::gen_family()
{
	if (gen_family_ < 0)
		gen_family_ = sock_.family_id(SMC_GENL_FAMILY_NAME);
	return gen_family_;
}

int SmcNetlink::pnet_family()
{
	if (pnet_family_ < 0)
		pnet_family_ = sock_.family_id(SMCR_GENL_FAMILY_NAME);
	return pnet_family_;
}

std::vector<NetlinkMessage> SmcNetlink::gen_dump(uint8_t cmd)
{
	return sock_.dump(gen_family(), cmd, SMC_GENL_FAMILY_VERSION);
}

SysInfo SmcNetlink::sys_info()
{
	auto msgs = gen_dump(SMC_NETLINK_GET_SYS_INFO);
	if (msgs.empty())
		throw Error("SMC sys info: the kernel sent no reply");
	return parse_sys_info(msgs.front());
}

std::vector<NetlinkMessage> SmcNetlink::smcr_device_messages()
{
	std::vector<NetlinkMessage> msgs = gen_dump(SMC_NETLINK_GET_DEV_SMCR);
	// A kernel with the series says so in every device (SMC_NLA_DEV_CQ_CNT); only then
	// does it know the CQ dump.
	const bool with_cqs = std::any_of(msgs.begin(), msgs.end(), [](const NetlinkMessage &m) {
		return parse_smcr_device(m).reports_cqs();
	});
	if (with_cqs)
		for (NetlinkMessage &m : gen_dump(SMC_NETLINK_GET_CQ_SMCR))
			msgs.push_back(std::move(m));
	return msgs;
}

std::vector<SmcrDevice> SmcNetlink::smcr_devices()
{
	return parse_smcr_devices(smcr_device_messages());
}

std::vector<LinkGroup> SmcNetlink::link_groups()
{
	return parse_link_dump(gen_dump(SMC_NETLINK_GET_LGR_SMCR)).groups;
}

std::vector<NetlinkMessage> SmcNetlink::link_messages()
{
	return gen_dump(SMC_NETLINK_GET_LINK_SMCR);
}

LinkDump SmcNetlink::links()
{
	return parse_link_dump(link_messages());
}

Stats SmcNetlink::stats()
{
	auto msgs = gen_dump(SMC_NETLINK_GET_STATS);
	if (msgs.empty())
		throw Error("SMC statistics: the kernel sent no reply");
	return parse_stats(msgs.front());
}

FallbackStats SmcNetlink::fallback_stats()
{
	return parse_fallback_stats(gen_dump(SMC_NETLINK_GET_FBACK_STATS));
}

std::vector<std::string> SmcNetlink::ueids()
{
	std::vector<std::string> out;
	for (const NetlinkMessage &m : gen_dump(SMC_NETLINK_DUMP_UEID))
		out.push_back(parse_ueid(m));
	return out;
}

void SmcNetlink::add_ueid(const std::string &ueid)
{
	const std::string padded = normalize_ueid(ueid);
	sock_.execute(gen_family(), SMC_NETLINK_ADD_UEID, SMC_GENL_FAMILY_VERSION,
		      ueid_attributes(padded), "adding UEID " + ueid);
}

void SmcNetlink::remove_ueid(const std::string &ueid)
{
	const std::string padded = normalize_ueid(ueid);
	sock_.execute(gen_family(), SMC_NETLINK_REMOVE_UEID, SMC_GENL_FAMILY_VERSION,
		      ueid_attributes(padded), "removing UEID " + ueid);
}

void SmcNetlink::flush_ueids()
{
	sock_.execute(gen_family(), SMC_NETLINK_FLUSH_UEID, SMC_GENL_FAMILY_VERSION, {},
		      "flushing the UEID table");
}

std::vector<PnetEntry> SmcNetlink::pnet_entries()
{
	std::vector<PnetEntry> out;
	for (const NetlinkMessage &m : sock_.dump(pnet_family(), SMC_PNETID_GET, SMCR_GENL_FAMILY_VERSION))
		out.push_back(parse_pnet_entry(m));
	return out;
}

void SmcNetlink::pnet_add_eth(const std::string &pnetid, const std::string &eth)
{
	sock_.execute(pnet_family(), SMC_PNETID_ADD, SMCR_GENL_FAMILY_VERSION,
		      pnet_eth_attributes(normalize_pnetid(pnetid), eth),
		      "adding PNET ID " + pnetid + " for netdev " + eth);
}

void SmcNetlink::pnet_add_ib(const std::string &pnetid, const std::string &ib, uint8_t port)
{
	sock_.execute(pnet_family(), SMC_PNETID_ADD, SMCR_GENL_FAMILY_VERSION,
		      pnet_ib_attributes(normalize_pnetid(pnetid), ib, port),
		      "adding PNET ID " + pnetid + " for " + ib + " port " + std::to_string(port));
}

void SmcNetlink::pnet_remove(const std::string &pnetid)
{
	sock_.execute(pnet_family(), SMC_PNETID_DEL, SMCR_GENL_FAMILY_VERSION,
		      pnet_name_attributes(normalize_pnetid(pnetid)), "removing PNET ID " + pnetid);
}

void SmcNetlink::pnet_flush()
{
	sock_.execute(pnet_family(), SMC_PNETID_FLUSH, SMCR_GENL_FAMILY_VERSION, {},
		      "flushing the PNET table");
}

} // namespace smcscale
