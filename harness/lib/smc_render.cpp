// SPDX-License-Identifier: GPL-2.0
#include "smc_render.hpp"

#include "table.hpp"

#include <net/if.h>

#include <cstdio>
#include <map>

namespace smcscale {

namespace {

std::string hex32(uint32_t v)
{
	char buf[16];
	std::snprintf(buf, sizeof(buf), "%08x", v);
	return buf;
}

std::string optional_number(const std::optional<uint32_t> &v)
{
	return v ? std::to_string(*v) : std::string("-");
}

} // namespace

std::string link_group_type_name(uint8_t type)
{
	// enum smc_lgr_type in net/smc/smc_core.h
	switch (type) {
	case 0: return "NONE";
	case 1: return "SINGLE";
	case 2: return "SYM";
	case 3: return "ASYMP";
	case 4: return "ASYML";
	default: return "0x" + hex32(type);
	}
}

std::string link_state_name(uint32_t state)
{
	// enum smc_link_state in net/smc/smc_core.h
	switch (state) {
	case 0: return "LINK_UNUSED";
	case 1: return "LINK_INACTIVE";
	case 2: return "LINK_ACTIVATING";
	case 3: return "LINK_ACTIVE";
	default: return "0x" + hex32(state);
	}
}

std::string netdev_name(uint32_t ifindex)
{
	if (!ifindex)
		return "-";
	char name[IF_NAMESIZE];
	if (if_indextoname(ifindex, name))
		return name;
	return std::to_string(ifindex);
}

void render_devices(std::ostream &out, const std::vector<SmcrDevice> &devices, int detail)
{
	// smcr device's columns; #CQ-Pairs and #Vectors come from the CQ-spreading series
	// ("-" on a stock kernel). Type is the PCI device id where smcr names RoCE Express
	// cards; a device without PCI (rxe) has none.
	std::vector<std::string> header = {"Net-Dev", "IB-Dev", "IB-P", "IB-State", "Type", "Crit"};
	if (detail >= 1)
		header.push_back("PCI-ID");
	header.insert(header.end(), {"#Links", "PNET-ID", "#CQ-Pairs", "#Vectors"});
	Table t(header);
	for (const SmcrDevice &d : devices)
		for (const SmcrPort &p : d.ports) {
			std::vector<std::string> row = {
				netdev_name(p.netdev_ifindex), d.ib_name, std::to_string(p.port),
				p.state == 1 ? "ACTIVE" : "INACTIVE",
				d.pci_device ? "0x" + hex32(*d.pci_device).substr(4) : "-", d.critical ? "Yes" : "No"};
			if (detail >= 1)
				row.push_back(d.pci_id.value_or("-"));
			row.insert(row.end(), {std::to_string(p.link_count),
					       p.pnetid.empty() ? "-" : (p.pnetid_by_user ? "*" : "") + p.pnetid,
					       optional_number(d.cq_pairs), optional_number(d.comp_vectors)});
			t.add(row);
		}
	t.print(out);
	if (detail < 1)
		return;
	Table c({"IB-Dev", "Dir", "CQ", "Vector", "#Entries", "#Reserved", "#Links", "Completions"});
	for (const SmcrDevice &d : devices)
		for (const SmcrCq &cq : d.cqs)
			c.add({d.ib_name, cq.send ? "send" : "recv", std::to_string(cq.index), std::to_string(cq.vector),
			       std::to_string(cq.entries), std::to_string(cq.reserved), std::to_string(cq.load),
			       std::to_string(cq.completions)});
	if (!c.empty()) {
		out << "\n";
		c.print(out);
	}
}

void render_link_groups(std::ostream &out, const std::vector<LinkGroup> &groups, int detail)
{
	std::vector<std::string> header = {"LG-ID", "LG-Role", "LG-Type", "VLAN", "#Conns", "PNET-ID"};
	if (detail >= 1)
		header.insert(header.end(), {"Version", "Peer-Host", "EID"});
	Table t(header);
	for (const LinkGroup &g : groups) {
		char vlan[16];
		std::snprintf(vlan, sizeof(vlan), "%#x", g.vlan_id);
		std::vector<std::string> row = {hex32(g.id),		    g.role == 1 ? "SERV" : "CLNT",
						link_group_type_name(g.type), vlan,
						std::to_string(g.connections), g.pnetid.empty() ? "-" : g.pnetid};
		if (detail >= 1)
			row.insert(row.end(), {g.v2_version ? std::to_string(*g.v2_version) : "1",
					       g.peer_host.value_or("-"), g.negotiated_eid.value_or("-")});
		t.add(row);
	}
	t.print(out);
}

void render_links(std::ostream &out, const LinkDump &dump, int detail)
{
	// smcr linkgroup link-show's columns, then the device port and the series' CQs;
	// the QP numbers (the series'), UIDs and GIDs with -d.
	std::map<uint32_t, const LinkGroup *> groups;
	for (const LinkGroup &g : dump.groups)
		groups[g.id] = &g;
	std::vector<std::string> header = {"LG-ID",  "LG-Role", "LG-Type", "Net-Dev", "Link-State",
					   "#Conns", "IB-Dev",	"IB-P",	   "Send-CQ", "Recv-CQ"};
	if (detail >= 1)
		header.insert(header.end(), {"QPN", "Peer-QPN", "Link-UID", "Peer-UID", "Local-GID", "Peer-GID"});
	Table t(header);
	for (const Link &l : dump.links) {
		auto g = groups.find(l.lgr_id);
		const bool known = g != groups.end();
		std::vector<std::string> row = {hex32(l.lgr_id),
						known ? (g->second->role == 1 ? "SERV" : "CLNT") : "-",
						known ? link_group_type_name(g->second->type) : "-",
						netdev_name(l.netdev_ifindex),
						link_state_name(l.state),
						std::to_string(l.connections),
						l.ib_device,
						std::to_string(l.ib_port),
						optional_number(l.send_cq),
						optional_number(l.recv_cq)};
		if (detail >= 1)
			row.insert(row.end(), {optional_number(l.qpn), optional_number(l.peer_qpn), hex32(l.uid),
					       hex32(l.peer_uid), l.gid, l.peer_gid});
		t.add(row);
	}
	t.print(out);
}

void render_stats(std::ostream &out, const Stats &s)
{
	out << "SMC statistics since the smc module was loaded (absolute values, like 'smcr -a stats')\n";
	Table t({"Counter", "SMC-R", "SMC-D"});
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
	out << "fallbacks to TCP since the smc module was loaded: client " << f.client_total << ", server "
	    << f.server_total << "\n";
	if (f.reasons.empty())
		return;
	Table t({"Side", "Code", "Reason", "Count", "Meaning"});
	for (const FallbackReason &r : f.reasons)
		t.add({r.server ? "server" : "client", "0x" + hex32(r.code), fallback_reason_id(r.code),
		       std::to_string(r.count), fallback_reason_name(r.code)});
	t.print(out);
}

void render_pnet(std::ostream &out, const std::vector<PnetEntry> &entries)
{
	Table t({"PNET-ID", "Net-Dev", "IB-Dev", "IB-P"});
	for (const PnetEntry &e : entries)
		t.add({e.pnetid, e.eth_name, e.ib_name, e.ib_port == 0xff ? "n/a" : std::to_string(e.ib_port)});
	t.print(out);
}

void render_sys_info(std::ostream &out, const SysInfo &info)
{
	Table t({"Field", "Value"});
	t.add({"SMC version", std::to_string(info.version) + "." + std::to_string(info.release)});
	t.add({"SMC-Rv2 capable", info.smcr_v2 ? "Yes" : "No"});
	t.add({"ISMv2 capable", info.ism_v2 ? "Yes" : "No"});
	t.add({"Local host", info.local_host.empty() ? "-" : info.local_host});
	t.add({"SEID", info.seid.empty() ? "-" : info.seid});
	t.print(out);
}

void render_sockets(std::ostream &out, const std::vector<SmcSocket> &sockets, int detail)
{
	// smcss's columns; Mode is SMCR, SMCD or "TCP 0x<reason>[/0x<peer's>]", then the
	// reason in words. With -d, the link the connection uses (smcss -R).
	std::vector<std::string> header = {"State", "UID", "Inode", "Local Address", "Peer Address", "Intf",
					   "Mode"};
	if (detail >= 1)
		header.insert(header.end(), {"Role", "IB-Dev", "IB-P", "Link-ID"});
	header.push_back("Fallback-Reason");
	Table t(header);
	for (const SmcSocket &s : sockets) {
		std::string mode = smc_mode_name(s.mode), reason = "-";
		if (s.mode == SmcMode::fallback_tcp) {
			mode += " 0x" + hex32(s.fallback_reason);
			if (s.peer_diagnosis)
				mode += "/0x" + hex32(s.peer_diagnosis);
			reason = fallback_reason_id(s.fallback_reason) + " (" + fallback_reason_name(s.fallback_reason) +
				 ")";
		}
		char intf[16];
		std::snprintf(intf, sizeof(intf), "%04x", s.ifindex);
		std::vector<std::string> row = {smc_state_name(s.state), std::to_string(s.uid), std::to_string(s.inode),
						s.local, s.peer, intf, mode};
		if (detail >= 1) {
			const bool link = s.mode == SmcMode::smcr && s.lgr_role;
			row.insert(row.end(), {link ? (*s.lgr_role ? "SERV" : "CLNT") : "-", link ? s.ib_device : "-",
					       link ? std::to_string(s.ib_port) : "-",
					       link ? std::to_string(s.link_id) : "-"});
		}
		row.push_back(reason);
		t.add(row);
	}
	t.print(out);
}

} // namespace smcscale
