// SPDX-License-Identifier: GPL-2.0
// What SMC's generic netlink families report, as plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace smcscale {

struct SysInfo {
	uint8_t version = 0;
	uint8_t release = 0;
	bool ism_v2 = false;
	bool smcr_v2 = false;
	std::string local_host;
	std::string seid;
};

struct SmcrPort {
	int port = 0; // 1-based, as rdma tools show it
	bool pnetid_by_user = false;
	std::string pnetid;
	uint32_t netdev_ifindex = 0;
	uint8_t state = 0; // 1 = active
	bool valid = false;
	uint32_t link_count = 0;
};

// One completion queue of a device, as the CQ-spreading series reports it
// (SMC_NETLINK_GET_CQ_SMCR, one message per CQ).
struct SmcrCq {
	bool send = true;	  // direction
	uint32_t index = 0;	  // in the device's send or recv array
	uint32_t vector = 0;	  // completion vector
	uint32_t entries = 0;	  // size, as the driver made it
	uint32_t reserved = 0;	  // entries kept for the work requests of its links' QPs
	uint32_t load = 0;	  // links (QPs) using it
	uint64_t completions = 0; // handled by its tasklet
};

struct SmcrDevice {
	std::string ib_name;
	bool critical = false;
	std::optional<std::string> pci_id;
	std::optional<uint16_t> pci_vendor;
	std::optional<uint16_t> pci_device;
	std::vector<SmcrPort> ports;
	// Present only with the CQ-spreading series (absent on a stock kernel).
	std::optional<uint32_t> comp_vectors;
	std::optional<uint32_t> cq_pairs; // 0 until the first link on the device
	std::vector<SmcrCq> cqs;	  // in creation order: send 0, recv 0, send 1, ...

	bool reports_cqs() const { return cq_pairs.has_value(); }
};

struct LinkGroup {
	uint32_t id = 0;
	uint8_t role = 0; // 0 client, 1 server
	uint8_t type = 0; // SMC_LGR_* (none, single, symmetric, asymmetric...)
	uint8_t vlan_id = 0;
	uint32_t connections = 0;
	std::string pnetid;
	uint8_t buf_type = 0;
	uint64_t net_cookie = 0;
	// SMC-Rv2 only.
	std::optional<uint8_t> v2_version;
	std::optional<uint8_t> v2_release;
	std::optional<std::string> negotiated_eid;
	std::optional<std::string> peer_host;
	std::optional<bool> v2_direct;
};

struct Link {
	uint32_t lgr_id = 0; // of the link group reported before it
	uint8_t link_id = 0;
	uint32_t state = 0;
	uint32_t connections = 0;
	std::string ib_device;
	uint8_t ib_port = 0;
	uint32_t netdev_ifindex = 0;
	uint32_t uid = 0;
	uint32_t peer_uid = 0;
	std::string gid;
	std::string peer_gid;
	// Present only with the CQ-spreading series.
	std::optional<uint32_t> send_cq;
	std::optional<uint32_t> recv_cq;
	std::optional<uint32_t> qpn;	  // the link's QP number (rdma res show qp: lqpn)
	std::optional<uint32_t> peer_qpn; // the peer's (rqpn)
};

struct LinkDump {
	std::vector<LinkGroup> groups;
	std::vector<Link> links;
};

struct TechStats {
	uint64_t client_v1_success = 0;
	uint64_t client_v2_success = 0;
	uint64_t server_v1_success = 0;
	uint64_t server_v2_success = 0;
	uint64_t rx_bytes = 0;
	uint64_t tx_bytes = 0;
	uint64_t rx_count = 0;
	uint64_t tx_count = 0;
};

struct Stats {
	TechStats smcd;
	TechStats smcr;
	uint64_t client_handshake_errors = 0;
	uint64_t server_handshake_errors = 0;
};

struct FallbackReason {
	bool server = false;
	uint32_t code = 0;
	uint32_t count = 0;
};

struct FallbackStats {
	uint64_t server_total = 0;
	uint64_t client_total = 0;
	std::vector<FallbackReason> reasons;
};

struct PnetEntry {
	std::string pnetid;
	std::string eth_name; // "n/a" when the entry names an IB device
	std::string ib_name;  // "n/a" when the entry names a netdev
	uint8_t ib_port = 0;  // 0xff when the entry names a netdev
};

// A short description of an SMC decline/fallback reason code (SMC_CLC_DECL_*).
std::string fallback_reason_name(uint32_t code);
// Its name in net/smc/smc_clc.h ("SMC_CLC_DECL_PEERNOSMC"), or the code in hex.
std::string fallback_reason_id(uint32_t code);

} // namespace smcscale
