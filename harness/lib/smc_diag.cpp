// SPDX-License-Identifier: GPL-2.0
#include "smc_diag.hpp"

#include "error.hpp"
#include "nl_attrs.hpp"
#include "smc_socket_rules.hpp"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/smc_diag.h>
#include <linux/sock_diag.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <cstring>

namespace smcscale {

namespace {

std::string endpoint(uint8_t family, const __be32 addr[4], __be16 port)
{
	char buf[INET6_ADDRSTRLEN] = "?";
	inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, buf, sizeof(buf));
	const std::string host = family == AF_INET6 ? "[" + std::string(buf) + "]" : std::string(buf);
	return host + ":" + std::to_string(ntohs(port));
}

std::string fixed_string(const uint8_t *p, size_t n)
{
	const char *c = reinterpret_cast<const char *>(p);
	return std::string(c, strnlen(c, n));
}

} // namespace

std::string smc_mode_name(SmcMode mode)
{
	switch (mode) {
	case SmcMode::smcr: return "SMCR";
	case SmcMode::smcd: return "SMCD";
	case SmcMode::fallback_tcp: return "TCP";
	default: return "?";
	}
}

std::string smc_state_name(uint8_t state)
{
	// enum smc_state in net/smc/smc.h
	switch (state) {
	case 1: return "ACTIVE";
	case 2: return "INIT";
	case 7: return "CLOSED";
	case 10: return "LISTEN";
	case 20: return "PEERCLW1";
	case 21: return "PEERCLW2";
	case 22: return "APPFINCLW";
	case 23: return "APPCLW1";
	case 24: return "APPCLW2";
	case 25: return "PEERFINCLW";
	case 26: return "PEERABORTW";
	case 27: return "PROCESSABORT";
	default: return std::to_string(state);
	}
}

NetlinkMessage build_smc_diag_request()
{
	std::unique_ptr<nl_msg, void (*)(nl_msg *)> msg(
		nlmsg_alloc_simple(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP), nlmsg_free);
	if (!msg)
		throw Error("smc_diag: cannot allocate a request");
	smc_diag_req req;
	std::memset(&req, 0, sizeof(req));
	req.diag_family = AF_SMC;
	req.diag_ext = (1 << (SMC_DIAG_CONNINFO - 1)) | (1 << (SMC_DIAG_LGRINFO - 1)) |
		       (1 << (SMC_DIAG_SHUTDOWN - 1));
	if (nlmsg_append(msg.get(), &req, sizeof(req), NLMSG_ALIGNTO) < 0)
		throw Error("smc_diag: cannot build the request");
	const nlmsghdr *nlh = nlmsg_hdr(msg.get());
	const auto *p = reinterpret_cast<const uint8_t *>(nlh);
	return NetlinkMessage{std::vector<uint8_t>(p, p + nlh->nlmsg_len)};
}

SmcSocket parse_smc_diag_message(const NetlinkMessage &msg)
{
	const Attrs a = Attrs::of_payload(msg, sizeof(smc_diag_msg), SMC_DIAG_MAX, "smc_diag reply");
	smc_diag_msg m;
	std::memcpy(&m, nlmsg_data(msg.header()), sizeof(m));
	SmcSocket s;
	s.family = m.diag_family;
	s.state = m.diag_state;
	switch (m.diag_mode) {
	case SMC_DIAG_MODE_SMCR: s.mode = SmcMode::smcr; break;
	case SMC_DIAG_MODE_SMCD: s.mode = SmcMode::smcd; break;
	case SMC_DIAG_MODE_FALLBACK_TCP: s.mode = SmcMode::fallback_tcp; break;
	default: break;
	}
	s.local = endpoint(m.diag_family, m.id.idiag_src, m.id.idiag_sport);
	s.peer = endpoint(m.diag_family, m.id.idiag_dst, m.id.idiag_dport);
	s.ifindex = m.id.idiag_if;
	s.uid = m.diag_uid;
	s.inode = m.diag_inode;
	if (auto f = a.as<smc_diag_fallback>(SMC_DIAG_FALLBACK)) {
		s.fallback_reason = f->reason;
		s.peer_diagnosis = f->peer_diagnosis;
	}
	if (auto l = a.as<smc_diag_lgrinfo>(SMC_DIAG_LGRINFO)) {
		s.lgr_role = l->role;
		s.ib_device = fixed_string(l->lnk[0].ibname, sizeof(l->lnk[0].ibname));
		s.ib_port = l->lnk[0].ibport;
		s.link_id = l->lnk[0].link_id;
		s.gid = fixed_string(l->lnk[0].gid, sizeof(l->lnk[0].gid));
		s.peer_gid = fixed_string(l->lnk[0].peer_gid, sizeof(l->lnk[0].peer_gid));
	}
	if (auto c = a.as<smc_diag_conninfo>(SMC_DIAG_CONNINFO)) {
		s.token = c->token;
		s.sndbuf = c->sndbuf_size;
		s.rmbe = c->rmbe_size;
		s.peer_rmbe = c->peer_rmbe_size;
	}
	return s;
}

std::vector<SmcSocket> dump_smc_sockets()
{
	NetlinkSocket sock(NETLINK_SOCK_DIAG);
	NetlinkMessage req = build_smc_diag_request();
	std::unique_ptr<nl_msg, void (*)(nl_msg *)> msg(nlmsg_convert(req.header()), nlmsg_free);
	if (!msg)
		throw Error("smc_diag: cannot allocate a request");
	std::vector<SmcSocket> out;
	try {
		for (const NetlinkMessage &m : sock.transact(msg.get(), "smc_diag dump"))
			out.push_back(parse_smc_diag_message(m));
	} catch (const Error &e) {
		throw Error(std::string(e.what()) + " (is the smc_diag module loaded?)");
	}
	return out;
}

} // namespace smcscale
