// SPDX-License-Identifier: GPL-2.0
#include "smc_json.hpp"

#include <sys/socket.h>

namespace smcscale {

namespace {

template <typename T>
void put_optional(nlohmann::json &j, const char *key, const std::optional<T> &v)
{
	if (v)
		j[key] = *v;
}

} // namespace

void to_json(nlohmann::json &j, const SysInfo &v)
{
	j = {{"version", v.version}, {"release", v.release}, {"ism_v2", v.ism_v2},
	     {"smcr_v2", v.smcr_v2}, {"local_host", v.local_host}, {"seid", v.seid}};
}

void to_json(nlohmann::json &j, const SmcrPort &v)
{
	j = {{"port", v.port},		 {"pnetid", v.pnetid},
	     {"pnetid_by_user", v.pnetid_by_user}, {"netdev_ifindex", v.netdev_ifindex},
	     {"state", v.state},	 {"valid", v.valid},
	     {"link_count", v.link_count}};
}

void to_json(nlohmann::json &j, const SmcrCq &v)
{
	j = {{"direction", v.send ? "send" : "recv"},
	     {"index", v.index},
	     {"vector", v.vector},
	     {"entries", v.entries},
	     {"reserved", v.reserved},
	     {"load", v.load},
	     {"completions", v.completions}};
}

void to_json(nlohmann::json &j, const SmcrDevice &v)
{
	j = {{"ib_name", v.ib_name}, {"critical", v.critical}, {"ports", v.ports}};
	put_optional(j, "comp_vectors", v.comp_vectors);
	put_optional(j, "cq_pairs", v.cq_pairs);
	if (v.reports_cqs())
		j["cqs"] = v.cqs;
	put_optional(j, "pci_id", v.pci_id);
	put_optional(j, "pci_vendor", v.pci_vendor);
	put_optional(j, "pci_device", v.pci_device);
}

void to_json(nlohmann::json &j, const LinkGroup &v)
{
	j = {{"id", v.id},		   {"role", v.role == 1 ? "server" : "client"},
	     {"type", v.type},		   {"vlan_id", v.vlan_id},
	     {"connections", v.connections}, {"pnetid", v.pnetid},
	     {"buf_type", v.buf_type},	   {"net_cookie", v.net_cookie}};
	put_optional(j, "v2_version", v.v2_version);
	put_optional(j, "v2_release", v.v2_release);
	put_optional(j, "negotiated_eid", v.negotiated_eid);
	put_optional(j, "peer_host", v.peer_host);
	put_optional(j, "v2_direct", v.v2_direct);
}

void to_json(nlohmann::json &j, const Link &v)
{
	j = {{"lgr_id", v.lgr_id},	   {"link_id", v.link_id},
	     {"state", v.state},	   {"connections", v.connections},
	     {"ib_device", v.ib_device},   {"ib_port", v.ib_port},
	     {"netdev_ifindex", v.netdev_ifindex}, {"uid", v.uid},
	     {"peer_uid", v.peer_uid},	   {"gid", v.gid},
	     {"peer_gid", v.peer_gid}};
	put_optional(j, "send_cq", v.send_cq);
	put_optional(j, "recv_cq", v.recv_cq);
	put_optional(j, "qpn", v.qpn);
	put_optional(j, "peer_qpn", v.peer_qpn);
}

void to_json(nlohmann::json &j, const TechStats &v)
{
	j = {{"client_v1_success", v.client_v1_success},
	     {"client_v2_success", v.client_v2_success},
	     {"server_v1_success", v.server_v1_success},
	     {"server_v2_success", v.server_v2_success},
	     {"rx_bytes", v.rx_bytes},
	     {"tx_bytes", v.tx_bytes},
	     {"rx_count", v.rx_count},
	     {"tx_count", v.tx_count}};
}

void to_json(nlohmann::json &j, const Stats &v)
{
	j = {{"smcr", v.smcr},
	     {"smcd", v.smcd},
	     {"client_handshake_errors", v.client_handshake_errors},
	     {"server_handshake_errors", v.server_handshake_errors}};
}

void to_json(nlohmann::json &j, const FallbackReason &v)
{
	j = {{"side", v.server ? "server" : "client"},
	     {"code", v.code},
	     {"reason_id", fallback_reason_id(v.code)},
	     {"reason", fallback_reason_name(v.code)},
	     {"count", v.count}};
}

void to_json(nlohmann::json &j, const FallbackStats &v)
{
	j = {{"server_total", v.server_total}, {"client_total", v.client_total}, {"reasons", v.reasons}};
}

void to_json(nlohmann::json &j, const PnetEntry &v)
{
	j = {{"pnetid", v.pnetid}, {"eth_name", v.eth_name}, {"ib_name", v.ib_name}, {"ib_port", v.ib_port}};
}

void to_json(nlohmann::json &j, const SmcSocket &v)
{
	j = {{"state", smc_state_name(v.state)},
	     {"mode", smc_mode_name(v.mode)},
	     {"family", v.family == AF_INET6 ? "inet6" : "inet"},
	     {"local", v.local},
	     {"peer", v.peer},
	     {"ifindex", v.ifindex},
	     {"uid", v.uid},
	     {"inode", v.inode}};
	if (v.mode == SmcMode::fallback_tcp) {
		j["fallback"] = {{"code", v.fallback_reason},
				 {"reason_id", fallback_reason_id(v.fallback_reason)},
				 {"reason", fallback_reason_name(v.fallback_reason)},
				 {"peer_diagnosis", v.peer_diagnosis}};
	}
	if (v.lgr_role)
		j["link"] = {{"role", *v.lgr_role ? "server" : "client"},
			     {"ib_device", v.ib_device},
			     {"ib_port", v.ib_port},
			     {"link_id", v.link_id},
			     {"gid", v.gid},
			     {"peer_gid", v.peer_gid}};
	if (v.token)
		j["conn"] = {{"token", *v.token}, {"sndbuf", v.sndbuf}, {"rmbe", v.rmbe}, {"peer_rmbe", v.peer_rmbe}};
}

} // namespace smcscale
