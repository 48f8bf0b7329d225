// SPDX-License-Identifier: GPL-2.0
#include "smc_render.hpp"

#include "table.hpp"

#include <net/if.h>

#include <cstdio>

namespace smcscale {

namespace {

std::string link_group_type(uint8_t type)
{
	// enum smc_lgr_type in net/smc/smc_core.h
	switch (type) {
	case 0: return "none";
	case 1: return "single";
	case 2: return "sym";
	case 3: return "asym-peer";
	case 4: return "asym-local";
	default: return std::to_string(type);
	}
}

std::string link_state(uint32_t state)
{
	// enum smc_link_state in net/smc/smc_core.h
	switch (state) {
	case 0: return "unused";
	case 1: return "inactive";
	case 2: return "activating";
	case 3: return "active";
	default: return std::to_string(state);
	}
}

std::string hex32(uint32_t v)
{
	char buf[16];
	std::snprintf(buf, sizeof(buf), "%08x", v);
	return buf;
}

} // namespace

std::string netdev_name(uint32_t ifindex)
{
	if (!ifindex)
		return "-";
	char name[IF_NAMESIZE];
	if (if_indextoname(ifindex, name))
		return name;
	return std::to_string(ifindex);
}

void render_devices(std::ostream &out, const std::vector<SmcrDevice> &devices)
{
	// CQ-PAIRS/VECTORS come from the CQ-spreading series; "-" on a stock kernel.
	Table t({"IB-DEV", "PORT", "STATE", "PNETID", "NETDEV", "LINKS", "CRIT", "PCI-ID", "CQ-PAIRS",
		 "VECTORS"});
	auto opt = [](const std::optional<uint32_t> &v) { return v ? std::to_string(*v) : std::string("-"); };
	for (const SmcrDevice &d : devices)
		for (const SmcrPort &p : d.ports)
			t.add({d.ib_name, std::to_string(p.port), p.state == 1 ? "active" : "inactive",
			       p.pnetid.empty() ? "-" : p.pnetid + (p.pnetid_by_user ? "*" : ""),
			       netdev_name(p.netdev_ifindex), std::to_string(p.link_count),
			       d.critical ? "yes" : "no", d.pci_id.value_or("-"), opt(d.cq_pairs),
			       opt(d.comp_vectors)});
	t.print(out);
}

void render_link_groups(std::ostream &out, const std::vector<LinkGroup> &groups)
{
	Table t({"LG-ID", "ROLE", "TYPE", "VERSION", "CONNS", "PNETID", "PEER-HOST"});
	for (const LinkGroup &g : groups)
		t.add({hex32(g.id), g.role == 1 ? "SERV" : "CLNT", link_group_type(g.type),
		       g.v2_version ? "v" + std::to_string(*g.v2_version) : "v1",
		       std::to_string(g.connections), g.pnetid.empty() ? "-" : g.pnetid,
		       g.peer_host.value_or("-")});
	t.print(out);
}

void render_links(std::ostream &out, const std::vector<Link> &links)
{
	Table t({"LG-ID", "LINK", "STATE", "CONNS", "IB-DEV", "PORT", "NETDEV", "SEND-CQ", "RECV-CQ", "GID",
		 "PEER-GID"});
	auto opt = [](const std::optional<uint32_t> &v) { return v ? std::to_string(*v) : std::string("-"); };
	for (const Link &l : links)
		t.add({hex32(l.lgr_id), std::to_string(l.link_id), link_state(l.state),
		       std::to_string(l.connections), l.ib_device, std::to_string(l.ib_port),
		       netdev_name(l.netdev_ifindex), opt(l.send_cq), opt(l.recv_cq), l.gid, l.peer_gid});
	t.print(out);
}

void render_stats(std::ostream &out, const Stats &s)
{
	Table t({"COUNTER", "SMC-R", "SMC-D"});
	auto row = [&](const char *name, uint64_t r, uint64_t d) {
		t.add({name, std::to_string(r), std::to_string(d)});
	};
	row("client v1 success", s.smcr.client_v1_success, s.smcd.client_v1_success);
	row("client v2 success", s.smcr.client_v2_success, s.smcd.client_v2_success);
	row("server v1 success", s.smcr.server_v1_success, s.smcd.server_v1_success);
	row("server v2 success", s.smcr.server_v2_success, s.smcd.server_v2_success);
	row("rx bytes", s.smcr.rx_bytes, s.smcd.rx_bytes);
	row("tx bytes", s.smcr.tx_bytes, s.smcd.tx_bytes);
	row("rx calls", s.smcr.rx_count, s.smcd.rx_count);
	row("tx calls", s.smcr.tx_count, s.smcd.tx_count);
	t.print(out);
	out << "handshake errors: client " << s.client_handshake_errors << ", server "
	    << s.server_handshake_errors << "\n";
}

void render_fallbacks(std::ostream &out, const FallbackStats &f)
{
	out << "fallbacks: client " << f.client_total << ", server " << f.server_total << "\n";
	if (f.reasons.empty())
		return;
	Table t({"SIDE", "CODE", "COUNT", "REASON"});
	for (const FallbackReason &r : f.reasons)
		t.add({r.server ? "server" : "client", "0x" + hex32(r.code), std::to_string(r.count),
		       fallback_reason_name(r.code)});
	t.print(out);
}

void render_pnet(std::ostream &out, const std::vector<PnetEntry> &entries)
{
	Table t({"PNETID", "NETDEV", "IB-DEV", "IB-PORT"});
	for (const PnetEntry &e : entries)
		t.add({e.pnetid, e.eth_name, e.ib_name, e.ib_port == 0xff ? "n/a" : std::to_string(e.ib_port)});
	t.print(out);
}

void render_sys_info(std::ostream &out, const SysInfo &info)
{
	Table t({"FIELD", "VALUE"});
	t.add({"SMC version", std::to_string(info.version) + "." + std::to_string(info.release)});
	t.add({"SMC-Rv2 capable", info.smcr_v2 ? "yes" : "no"});
	t.add({"ISMv2 capable", info.ism_v2 ? "yes" : "no"});
	t.add({"local host", info.local_host.empty() ? "-" : info.local_host});
	t.add({"SEID", info.seid.empty() ? "-" : info.seid});
	t.print(out);
}

} // namespace smcscale
