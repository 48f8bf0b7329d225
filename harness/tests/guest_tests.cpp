// SPDX-License-Identifier: GPL-2.0
// smc_guest_tests: GoogleTest suite that runs inside the testbed guests (scripts/guest-gtest)
// or between two real SMC-R hosts. The server host runs the traffic servers first and
// this suite with --role server after they exit; the client host runs it with
// --role client --peer ADDR. Tests skip, with the reason, where the host cannot do
// SMC-R (no AF_SMC, no SMC netlink family, no SMC-R device, no peer).
//
//   smc_guest_tests --role client|server [--peer ADDR] [--connections N]
//                   [--variant stock|patched] [gtest options]
#include "args.hpp"
#include "cq_balance.hpp"
#include "error.hpp"
#include "genl_socket.hpp"
#include "net.hpp"
#include "smc_diag.hpp"
#include "smc_netlink.hpp"
#include "smc_render.hpp"
#include "traffic.hpp"
#include "traffic_protocol.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include <poll.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

using namespace smcscale;

namespace {

struct Config {
	std::string role;
	std::string peer;
	uint32_t connections = 300;
	std::string variant; // expected smc module: "stock", "patched" or "" (unknown)
	uint16_t port = 5555;	     // smc-traffic server
	uint16_t preload_port = 5556; // the TCP smc-traffic server run under smc-run
	uint16_t tcp_port = 5557;     // a plain TCP smc-traffic server: SMC must fall back
	uint32_t preload_connections = 4;
	// The connections the sockets tests make besides the traffic: one to port (SMC-R)
	// and one to tcp_port (a fallback).
	uint32_t socket_test_connections = 1;
	// Rounds of LinkLoss.LinkGroupLostWhileTheSocketClosesLeaksNoSock.
	uint32_t close_race_rounds = 10;
	// LossyWire: connections opened (and held) while the stream connections run.
	uint32_t lossy_connections = 40;
	uint32_t lossy_streams = 2;
};
Config g_config;

// SMC puts at most this many connections into one link group (SMC_RMBS_PER_LGR_MAX).
constexpr uint32_t kConnsPerLinkGroup = 255;

// Why this host cannot run the tests, or "" when it can.
std::string smcr_unavailable()
{
	int fd = ::socket(AF_SMC, SOCK_STREAM, 0);
	if (fd < 0)
		return "the kernel has no AF_SMC (is the smc module loaded?)";
	::close(fd);
	try {
		GenlSocket sock;
		SmcNetlink smc(sock);
		if (smc.smcr_devices().empty())
			return "SMC sees no SMC-R (RDMA) device";
	} catch (const std::exception &e) {
		return std::string("SMC netlink: ") + e.what();
	}
	return "";
}

// stdout of a shell command, and its exit status
std::pair<std::string, int> run_command(const std::string &cmd)
{
	std::unique_ptr<FILE, int (*)(FILE *)> p(popen(cmd.c_str(), "r"), pclose);
	std::string out;
	std::array<char, 4096> buf;
	size_t n;
	while (p && (n = fread(buf.data(), 1, buf.size(), p.get())) > 0)
		out.append(buf.data(), n);
	const int status = p ? pclose(p.release()) : -1;
	return {out, status};
}

// gtest's JSON report leaves out skip messages; the runner reads this property.
#define SKIP_BECAUSE(reason)                                   \
	do {                                                   \
		const std::string why_ = (reason);             \
		::testing::Test::RecordProperty("skip_reason", why_); \
		GTEST_SKIP() << why_;                          \
	} while (0)

#define CLIENT_ONLY()                                  \
	do {                                           \
		if (g_config.role != "client")         \
			SKIP_BECAUSE("client-side test"); \
	} while (0)

#define SERVER_ONLY()                                  \
	do {                                           \
		if (g_config.role != "server")         \
			SKIP_BECAUSE("server-side test"); \
	} while (0)

class SmcTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		static const std::string why = smcr_unavailable();
		if (!why.empty())
			SKIP_BECAUSE(why);
		if (g_config.role == "client" && g_config.peer.empty())
			SKIP_BECAUSE("no --peer given");
		sock_ = std::make_unique<GenlSocket>();
		smc_ = std::make_unique<SmcNetlink>(*sock_);
	}
	size_t link_groups_of_this_role()
	{
		size_t n = 0;
		for (const LinkGroup &g : smc_->link_groups())
			n += (g.role == 1) == (g_config.role == "server");
		return n;
	}

	std::unique_ptr<GenlSocket> sock_;
	std::unique_ptr<SmcNetlink> smc_;

	// Why the loaded smc module cannot run a test of the series' CQs, or "".
	std::string without_cq_attributes()
	{
		for (const SmcrDevice &d : smc_->smcr_devices())
			if (!d.reports_cqs())
				return "the smc module reports no CQ attributes (stock net/smc)";
		return "";
	}
};

// ---- traffic (client side runs it, server side checks what it served) ----

class Traffic : public SmcTest {};

TEST_F(Traffic, ManyConnectionsEveryByteVerifiedNoFallback)
{
	CLIENT_ONLY();
	const Stats before = smc_->stats();
	const FallbackStats fb_before = smc_->fallback_stats();
	TrafficOptions o;
	o.host = g_config.peer;
	o.port = g_config.port;
	o.connections = g_config.connections;
	o.threads = 2;
	o.requests = 3;
	o.request_size = 64;
	o.response_size = 1000;
	o.connect_timeout = 300;
	std::atomic<bool> stop{false};
	const TrafficResult r = run_traffic_client(o, stop);
	EXPECT_TRUE(r.ok()) << format_key_value(r);
	EXPECT_EQ(r.connections_completed, g_config.connections);
	EXPECT_EQ(r.bytes_verified, uint64_t(g_config.connections) * 3 * 1000);
	const Stats after = smc_->stats();
	const FallbackStats fb_after = smc_->fallback_stats();
	EXPECT_EQ(fb_after.client_total, fb_before.client_total) << "connections fell back to TCP";
	EXPECT_EQ(after.smcr.client_v2_success - before.smcr.client_v2_success, g_config.connections)
		<< "not every connection was an SMC-Rv2 connection";
}

TEST_F(Traffic, StreamEveryByteConfirmedByTheServer)
{
	CLIENT_ONLY();
	TrafficOptions o;
	o.host = g_config.peer;
	o.port = g_config.port;
	o.mode = TrafficMode::stream;
	o.connections = 2;
	o.stream_bytes = 4 << 20;
	std::atomic<bool> stop{false};
	const TrafficResult r = run_traffic_client(o, stop);
	EXPECT_TRUE(r.ok()) << format_key_value(r);
	EXPECT_EQ(r.peer_bytes_verified, 2u * (4 << 20));
}

TEST_F(Traffic, PreloadedTcpProgramUsesSmcR)
{
	CLIENT_ONLY();
	const Stats before = smc_->stats();
	const std::string bin = SMCSCALE_BUILD_DIR;
	const std::string cmd = bin + "/smcscale-run " + bin + "/smc-traffic client --family tcp --host " +
				g_config.peer + " --port " + std::to_string(g_config.preload_port) + " --connections " +
				std::to_string(g_config.preload_connections) + " --requests 5 --connect-timeout 60";
	const int status = std::system((cmd + " >/dev/null").c_str());
	EXPECT_EQ(status, 0) << cmd;
	const Stats after = smc_->stats();
	EXPECT_EQ(after.smcr.client_v2_success - before.smcr.client_v2_success, g_config.preload_connections)
		<< "the preloaded program's TCP connections did not become SMC-R connections";
}

TEST_F(Traffic, PreloadSetsSmcRunsBufferSizesOnSmcSockets)
{
	CLIENT_ONLY();
	// smc_run's -r/-t: the wrapper raises net.core.*_max as needed, the library sets
	// SO_RCVBUF/SO_SNDBUF on each AF_SMC socket (the kernel reports twice the value).
	const std::string bin = SMCSCALE_BUILD_DIR;
	const auto [out, status] =
		run_command(bin + "/smcscale-run -r 256k -t 128k " + bin + "/tests/preload_probe --buffers");
	EXPECT_EQ(status, 0) << out;
	EXPECT_EQ(out, "domain=43 sndbuf=262144 rcvbuf=524288\n");
}

TEST_F(Traffic, FallbackToTcpIsReportedAsAnError)
{
	CLIENT_ONLY();
	TrafficOptions o;
	o.host = g_config.peer;
	o.port = g_config.tcp_port; // a server without SMC: the CLC handshake finds no peer
	o.requests = 2;
	o.connect_timeout = 60;
	std::atomic<bool> stop{false};
	const TrafficResult r = run_traffic_client(o, stop);
	EXPECT_EQ(r.bytes_verified, 2u * 64) << "the traffic itself works over the fallback";
	EXPECT_FALSE(r.ok());
	ASSERT_TRUE(r.fallbacks.has_value());
	EXPECT_EQ(*r.fallbacks, 1u);
	ASSERT_FALSE(r.error_messages.empty());
	EXPECT_NE(r.error_messages[0].find("fell back to TCP"), std::string::npos) << r.error_messages[0];
	EXPECT_NE(r.error_messages[0].find("peer does not offer SMC"), std::string::npos) << r.error_messages[0];
}

TEST_F(Traffic, ServerSideNoFallbackAndAllHandshakesServed)
{
	SERVER_ONLY();
	// Port 5558's server admits fallbacks (--allow-fallback): the tests that break VLANs
	// under it may leave a handshake whose link setup times out. Every other server
	// fails on a fallback, so the module's count must be exactly the ones it reports.
	uint64_t admitted = 0;
	if (const char *run = std::getenv("SMCVM_RUN")) {
		std::ifstream f(std::string(run) + "/server/traffic-5558.json");
		if (f)
			admitted = nlohmann::json::parse(f).at("results").at("fallbacks").get<uint64_t>();
	}
	const FallbackStats fb = smc_->fallback_stats();
	EXPECT_EQ(fb.server_total, admitted) << "fallbacks other than port 5558's " << admitted;
	EXPECT_EQ(fb.client_total, 0u);
	// the rr connections, the stream test's two, the preloaded program's, the sockets
	// test's (the buffer probe connects nowhere), the lossy-wire test's and, with the
	// patched module, the CQ binding test's three over VLANs, the link-loss test's
	// rounds and the VLAN removal test's one
	const uint32_t binding = g_config.variant == "patched" ? 3 + g_config.close_race_rounds + 1 : 0;
	const uint32_t lossy = g_config.lossy_connections + g_config.lossy_streams;
	EXPECT_EQ(smc_->stats().smcr.server_v2_success,
		  g_config.connections + 2 + g_config.preload_connections + g_config.socket_test_connections + lossy +
			  binding - admitted);
}

TEST_F(Traffic, LinkGroupsSpanTheConnections)
{
	const size_t want = (g_config.connections + kConnsPerLinkGroup - 1) / kConnsPerLinkGroup;
	EXPECT_GE(link_groups_of_this_role(), want)
		<< g_config.connections << " connections need " << want << " link groups";
}

// ---- smc_diag: what smcctl sockets (like smcss) shows for real connections ----

class SmcSockets : public SmcTest {
protected:
	// An AF_SMC connection to the peer's port, opened with an smc-traffic hello so the
	// server counts it as a connection that asked for nothing.
	UniqueFd connect_smc(uint16_t port, const std::string &host = g_config.peer)
	{
		const Endpoint ep = parse_endpoint(host, port);
		UniqueFd fd = open_stream_socket(SocketFamily::smc, ep);
		if (::connect(fd.get(), reinterpret_cast<const sockaddr *>(&ep.addr), ep.len) < 0 && errno != EINPROGRESS)
			throw Error(errno_message("connect to " + ep.text, errno));
		pollfd p{fd.get(), POLLOUT, 0};
		if (::poll(&p, 1, 60000) != 1)
			throw Error("connect to " + ep.text + " did not complete in 60 s");
		int err = 0;
		socklen_t len = sizeof(err);
		getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
		if (err)
			throw Error(errno_message("connect to " + ep.text, err));
		Hello h;
		h.request_size = h.response_size = 64;
		const auto bytes = h.encode();
		if (::send(fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size()))
			throw Error(errno_message("sending the hello", errno));
		return fd;
	}
	// Our socket in smc_diag's dump, by its local port.
	std::optional<SmcSocket> find(int fd)
	{
		sockaddr_storage ss{};
		socklen_t len = sizeof(ss);
		getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len);
		const uint16_t port = ntohs(reinterpret_cast<sockaddr_in *>(&ss)->sin_port);
		for (const SmcSocket &s : dump_smc_sockets())
			if (s.local.size() > 6 && s.local.substr(s.local.rfind(':') + 1) == std::to_string(port))
				return s;
		return std::nullopt;
	}
};

TEST_F(SmcSockets, SmcrConnectionShowsAsSmcrWithItsLink)
{
	CLIENT_ONLY();
	UniqueFd fd = connect_smc(g_config.port);
	const auto s = find(fd.get());
	ASSERT_TRUE(s) << "smc_diag does not list our connection";
	EXPECT_EQ(smc_mode_name(s->mode), "SMCR");
	EXPECT_EQ(smc_state_name(s->state), "ACTIVE");
	ASSERT_TRUE(s->lgr_role.has_value()) << "no link group info";
	EXPECT_EQ(*s->lgr_role, 0) << "a client connection";
	EXPECT_EQ(s->ib_device, "rxe0");
	EXPECT_EQ(s->peer.substr(0, s->peer.rfind(':')), g_config.peer);
}

TEST_F(SmcSockets, FallbackShowsAsTcpWithItsReason)
{
	CLIENT_ONLY();
	UniqueFd fd = connect_smc(g_config.tcp_port);
	const auto s = find(fd.get());
	ASSERT_TRUE(s) << "smc_diag does not list our connection";
	EXPECT_EQ(smc_mode_name(s->mode), "TCP");
	EXPECT_EQ(fallback_reason_id(s->fallback_reason), "SMC_CLC_DECL_PEERNOSMC");
	std::ostringstream out;
	render_sockets(out, {*s});
	EXPECT_NE(out.str().find("TCP 0x03010000"), std::string::npos) << out.str();
}

// ---- an independent view: the RDMA core's resource tracking (rdma res show cq) ----

struct RdmaCq {
	uint32_t cqn = 0;
	uint32_t users = 0; // QPs bound
	uint32_t cqe = 0;   // size
};

// SMC's CQs on 'ibdev' as the RDMA core tracks them (iproute2's rdma -j res show cq),
// in creation order (cqn).
std::vector<RdmaCq> rdma_smc_cqs(const std::string &ibdev)
{
	const auto [out, status] = run_command("rdma -j res show cq dev " + ibdev);
	if (status != 0)
		throw Error("rdma -j res show cq failed (status " + std::to_string(status) + "): " + out);
	std::vector<RdmaCq> cqs;
	for (const nlohmann::json &cq : nlohmann::json::parse(out)) {
		const std::string comm = cq.value("comm", "");
		if (comm != "smc" && comm != "[smc]")
			continue;
		cqs.push_back({cq.at("cqn").get<uint32_t>(), cq.at("users").get<uint32_t>(),
			       cq.at("cqe").get<uint32_t>()});
	}
	std::sort(cqs.begin(), cqs.end(), [](const RdmaCq &a, const RdmaCq &b) { return a.cqn < b.cqn; });
	return cqs;
}

// ---- CQ spreading (the series' netlink attributes) ----

class CqBalance : public SmcTest {
protected:
	void SetUp() override
	{
		SmcTest::SetUp();
		if (IsSkipped())
			return;
		if (const std::string why = without_cq_attributes(); !why.empty())
			SKIP_BECAUSE(why);
	}
	CqBalanceReport check()
	{
		CqBalanceOptions o;
		o.online_cpus = static_cast<unsigned>(sysconf(_SC_NPROCESSORS_ONLN));
		o.require_completions = true;
		return check_cq_balance(smc_->smcr_devices(), smc_->links(), o);
	}
};

TEST_F(CqBalance, AllChecksPassAfterTraffic)
{
	const CqBalanceReport r = check();
	EXPECT_TRUE(r.passed()) << cq_balance_json(r).dump(2);
}

TEST_F(CqBalance, ShapeIsNotDegenerate)
{
	// With one link, or one CQ pair, any binding is balanced: the other checks would
	// prove nothing. The suite's connections need two link groups, so each side has
	// two links on its device; the device has one pair per vector and CPU.
	const unsigned cpus = static_cast<unsigned>(sysconf(_SC_NPROCESSORS_ONLN));
	const CqBalanceReport r = check();
	ASSERT_FALSE(r.devices.empty());
	for (const DeviceCqReport &d : r.devices) {
		ASSERT_TRUE(d.device.cq_pairs && d.device.comp_vectors) << d.device.ib_name;
		EXPECT_GE(d.links.size(), 2u) << d.device.ib_name << ": too few links to tell bindings apart";
		EXPECT_EQ(*d.device.cq_pairs, std::min(*d.device.comp_vectors, cpus))
			<< d.device.ib_name << ": pairs = min(vectors, online CPUs)";
		EXPECT_GE(*d.device.cq_pairs, 2u)
			<< d.device.ib_name << ": one CQ pair (" << *d.device.comp_vectors << " vectors, " << cpus
			<< " CPUs) cannot show spreading";
	}
}

TEST_F(CqBalance, EveryCqWithLinksHandledCompletions)
{
	for (const DeviceCqReport &d : check().devices) {
		for (const SmcrCq &cq : d.device.cqs) {
			if (!cq.load)
				continue;
			EXPECT_GT(cq.completions, 0u)
				<< d.device.ib_name << (cq.send ? " send" : " recv") << " cq " << cq.index;
		}
	}
}

// A link keeps one entry of its cq for every work request its QP can have posted in
// that direction, as each completes (at the latest when the QP is flushed): per send
// slot (16) a CDC or LLC message and up to two RDMA writes, plus an SMC-Rv2 LLC message
// and a memory registration; one receive per receive buffer (48).
constexpr uint32_t kSendWorkRequestsPerLink = 16 * 3 + 2;
constexpr uint32_t kRecvWorkRequestsPerLink = 16 * 3;

TEST_F(CqBalance, EachLinkKeepsAnEntryPerWorkRequestItCanPost)
{
	for (const DeviceCqReport &d : check().devices) {
		for (const SmcrCq &cq : d.device.cqs) {
			const std::string name = d.device.ib_name + (cq.send ? " send" : " recv") + " cq " +
						 std::to_string(cq.index);
			EXPECT_EQ(cq.reserved,
				  cq.load * (cq.send ? kSendWorkRequestsPerLink : kRecvWorkRequestsPerLink))
				<< name << " with " << cq.load << " link(s)";
			EXPECT_LE(cq.reserved, cq.entries) << name;
		}
	}
}

TEST_F(CqBalance, LinksUseDifferentCqsWhenThereAreEnough)
{
	for (const DeviceCqReport &d : check().devices) {
		if (d.links.size() < 2 || *d.device.cq_pairs < 2)
			continue;
		EXPECT_NE(d.links[0].send_cq, d.links[1].send_cq);
		EXPECT_NE(d.links[0].recv_cq, d.links[1].recv_cq);
	}
}

// ---- least-loaded binding, told apart from round-robin ----

// Runs a shell command in the peer guest through its peer agent (scripts/guest/peer-agent,
// started by scripts/guest-gtest); returns its exit status and output.
std::pair<int, std::string> run_on_peer(const std::string &script)
{
	const char *run = std::getenv("SMCVM_RUN");
	if (!run)
		throw Error("no peer agent: SMCVM_RUN is not set (not in the testbed)");
	static int n = 0;
	const std::string base = std::string(run) + "/peer-requests/client-" + std::to_string(++n);
	{
		std::ofstream f(base + ".sh.tmp");
		f << script << "\n";
	}
	std::filesystem::rename(base + ".sh.tmp", base + ".sh");
	for (int i = 0; i < 600; i++) {
		std::ifstream done(base + ".done");
		int status;
		if (done >> status) {
			std::ifstream out(base + ".out");
			std::stringstream text;
			text << out.rdbuf();
			return {status, text.str()};
		}
		usleep(100 * 1000);
	}
	throw Error("the peer agent did not run " + base + ".sh within 60 s");
}

// Tests that only the client side runs.
class ClientSideTest : public SmcSockets {
protected:
	void SetUp() override
	{
		SmcSockets::SetUp();
		if (IsSkipped())
			return;
		if (g_config.role != "client")
			SKIP_BECAUSE("client-side test");
	}
};

// Client-side tests that make link groups come and go with VLANs (scripts/guest/vlans)
// on both guests, the server's side through its peer agent.
class VlanTest : public ClientSideTest {
protected:
	void SetUp() override
	{
		ClientSideTest::SetUp();
		if (IsSkipped())
			return;
		const std::string why = module_unsuitable();
		if (!why.empty())
			SKIP_BECAUSE(why);
		if (!std::getenv("SMCVM_RUN"))
			SKIP_BECAUSE("needs the testbed's VLANs and peer agent (scripts/guest-gtest)");
	}
	// Why the loaded smc module cannot run the test, or "".
	virtual std::string module_unsuitable() = 0;
	static std::string vlans_script() { return std::string(SMCSCALE_SOURCE_DIR) + "/../scripts/guest/vlans"; }
	// Runs 'cmd' here, then on the peer: "" when both succeed, else what failed.
	static std::string on_both_sides(const std::string &cmd)
	{
		if (run_command(cmd).second != 0)
			return "client: " + cmd;
		const auto [status, out] = run_on_peer(cmd);
		return status == 0 ? "" : "server: " + cmd + ": " + out;
	}
	// The ids of this client's link groups on VLAN 'vlan' (or, with on_vlan false, on
	// any other VLAN).
	std::set<uint32_t> client_link_groups(uint8_t vlan, bool on_vlan = true)
	{
		std::set<uint32_t> ids;
		for (const LinkGroup &g : smc_->link_groups())
			if (g.role == 0 && (g.vlan_id == vlan) == on_vlan)
				ids.insert(g.id);
		return ids;
	}
};

class CqBinding : public VlanTest {
protected:
	std::string module_unsuitable() override { return without_cq_attributes(); }
	// The send and recv CQ loads of rxe0, by CQ index.
	std::pair<std::vector<uint32_t>, std::vector<uint32_t>> loads()
	{
		std::vector<uint32_t> send, recv;
		for (const SmcrDevice &d : smc_->smcr_devices()) {
			if (d.ib_name != "rxe0")
				continue;
			send.assign(*d.cq_pairs, 0);
			recv.assign(*d.cq_pairs, 0);
			for (const SmcrCq &cq : d.cqs)
				(cq.send ? send : recv).at(cq.index) = cq.load;
		}
		return {send, recv};
	}
	// The link of the link group on VLAN 'vlan', if there is one.
	std::optional<Link> link_on_vlan(uint8_t vlan)
	{
		const LinkDump dump = smc_->links();
		for (const LinkGroup &g : dump.groups)
			if (g.vlan_id == vlan && g.role == 0)
				for (const Link &l : dump.links)
					if (l.lgr_id == g.id)
						return l;
		return std::nullopt;
	}
	std::optional<SmcrDevice> device(const std::string &ibdev)
	{
		for (const SmcrDevice &d : smc_->smcr_devices())
			if (d.ib_name == ibdev)
				return d;
		return std::nullopt;
	}
	// A device's CQs: how many the RDMA core tracks, and how many of those are SMC's
	static std::pair<int, int> device_cqs(const std::string &ibdev)
	{
		const auto [out, status] = run_command("rdma -j res show cq dev " + ibdev);
		if (status != 0)
			throw Error("rdma -j res show cq dev " + ibdev + " failed (status " + std::to_string(status) +
				    ")");
		return {static_cast<int>(nlohmann::json::parse(out).size()),
			static_cast<int>(rdma_smc_cqs(ibdev).size())};
	}
	// the testbed rxe's limit on the CQs of a device added after it is set
	static constexpr const char *kMaxCq = "/sys/module/rdma_rxe/parameters/max_cq";
	// Skips the test unless the testbed rxe can limit a device's CQs and this run may
	// change the devices ('changes': what the test does to them).
	void require_cq_count_limit(const std::string &changes)
	{
		if (!std::filesystem::exists(kMaxCq))
			SKIP_BECAUSE("rxe has no testbed CQ count limit (max_cq)");
		if (!std::getenv("SMC_TEST_READD_RXE"))
			SKIP_BECAUSE("changes the devices (" + changes +
				     "), which the other tests need as the guest set them up (scripts/guest-cq-limits "
				     "runs this test)");
	}
};

// Two verified requests on a new connection to the server that admits fallbacks (port
// 5558) at 'host'; with 'allow_fallback' a connection that falls back is no error.
TrafficResult two_requests(const std::string &host, bool allow_fallback)
{
	TrafficOptions o;
	o.host = host;
	o.port = 5558;
	o.requests = 2;
	o.allow_fallback = allow_fallback;
	o.connect_timeout = 60;
	std::atomic<bool> stop{false};
	return run_traffic_client(o, stop);
}

// The first CQ with the fewest links: where least-loaded binding puts the next link.
uint32_t least_loaded(const std::vector<uint32_t> &loads)
{
	return static_cast<uint32_t>(std::min_element(loads.begin(), loads.end()) - loads.begin());
}

TEST_F(CqBinding, LeastLoadedAsLinkGroupsComeAndGo)
{
	// Each VLAN is a link group of its own (one link, one QP). Open A, open B, remove
	// B, open C: least-loaded puts C where B was; round-robin would move on to the
	// next CQ whatever the loads (with the suite's two link groups already on CQs 0
	// and 1 of two pairs: [1,1] -> A [2,1] -> B [2,2] -> -B [2,1] -> C: least-loaded
	// [2,2], round-robin [3,1]). The model is checked after every step.
	// plain variables, not a structured binding: the lambda below captures them
	const auto start = loads();
	std::vector<uint32_t> send = start.first, recv = start.second;
	ASSERT_GE(send.size(), 2u) << "one CQ pair cannot tell policies apart";
	auto open = [&](uint8_t vlan) {
		const uint32_t want_send = least_loaded(send), want_recv = least_loaded(recv);
		UniqueFd fd = connect_smc(5558, "10.0." + std::to_string(vlan) + ".1");
		const auto l = link_on_vlan(vlan);
		EXPECT_TRUE(l && l->send_cq && l->recv_cq) << "no link for VLAN " << int(vlan);
		if (l && l->send_cq && l->recv_cq) {
			EXPECT_EQ(*l->send_cq, want_send) << "VLAN " << int(vlan) << ": not the least-loaded send CQ";
			EXPECT_EQ(*l->recv_cq, want_recv) << "VLAN " << int(vlan) << ": not the least-loaded recv CQ";
			send[*l->send_cq]++;
			recv[*l->recv_cq]++;
		}
		EXPECT_EQ(loads(), std::make_pair(send, recv)) << "after opening VLAN " << int(vlan);
		return std::make_pair(std::move(fd), l);
	};
	auto [a, link_a] = open(101);
	auto [b, link_b] = open(102);
	ASSERT_TRUE(link_b);

	// Remove B's link group: its VLAN goes down on both sides, so both ends' QPs fail
	// on their next send and SMC tears the link group down at once (no free delay).
	ASSERT_EQ(run_command(vlans_script() + " down 102").second, 0);
	const auto [peer_status, peer_out] = run_on_peer(vlans_script() + " down 102");
	ASSERT_EQ(peer_status, 0) << peer_out;
	const char byte = 0;
	(void)::send(b.get(), &byte, 1, MSG_NOSIGNAL);
	// SMC unlists the link group first and clears its link (QP, CQ loads) just after.
	send[*link_b->send_cq]--;
	recv[*link_b->recv_cq]--;
	bool gone = false;
	for (int i = 0; i < 300 && !gone; i++) {
		gone = !link_on_vlan(102) && loads() == std::make_pair(send, recv);
		if (!gone)
			usleep(100 * 1000);
	}
	ASSERT_FALSE(link_on_vlan(102)) << "VLAN 102's link group is still there 30 s after its VLAN went down";
	EXPECT_EQ(loads(), std::make_pair(send, recv)) << "B's link did not give its CQs back within 30 s";

	auto [c, link_c] = open(103);
	ASSERT_TRUE(link_c);
	EXPECT_EQ(*link_c->send_cq, *link_b->send_cq) << "C did not take the send CQ B left";
}

// ---- full CQs: a device whose CQs have no room for another link ----

// Runs with the testbed rxe's CQ size limit (rdma_rxe max_cqe, scripts/guest-cq-limits):
// the device's CQs then hold a few links each, so the test can fill them.
class CqLimit : public CqBinding {
protected:
	void SetUp() override
	{
		CqBinding::SetUp();
		if (IsSkipped())
			return;
		std::ifstream param("/sys/module/rdma_rxe/parameters/max_cqe");
		unsigned max_cqe = 0;
		if (!(param >> max_cqe) || max_cqe == 0)
			SKIP_BECAUSE("rxe has no testbed CQ size limit (scripts/guest-cq-limits runs this test)");
	}
	void TearDown() override
	{
		for (int vlan : vlans_)
			on_both_sides("ip link del eth0." + std::to_string(vlan) + " 2>/dev/null; true");
	}
	// rxe0's CQs.
	std::vector<SmcrCq> cqs()
	{
		const auto d = device("rxe0");
		return d ? d->cqs : std::vector<SmcrCq>{};
	}
	// How many more links rxe0's CQs take: the fewer of the two directions.
	uint32_t links_that_fit()
	{
		uint32_t send = 0, recv = 0;
		for (const SmcrCq &cq : cqs())
			(cq.send ? send : recv) +=
				(cq.entries - cq.reserved) / (cq.send ? kSendWorkRequestsPerLink : kRecvWorkRequestsPerLink);
		return std::min(send, recv);
	}
	// A new VLAN's GID makes SMC try another link for every link group of the port
	// (smcr_port_add); until those attempts fail they hold CQ entries, and a first link
	// set up meanwhile can be refused though its room is there (reliability.md). Wait
	// until both sides' CQs keep entries for their links only.
	void wait_for_link_attempts()
	{
		usleep(1000 * 1000); // the GID event comes after 'ip link set up' returns
		const std::string settled = std::string(SMCSCALE_BUILD_DIR) +
					    "/smcctl -j device | jq -e '[.devices[].cqs[]? | select(.reserved != .load * "
					    "(if .direction == \"send\" then " +
					    std::to_string(kSendWorkRequestsPerLink) + " else " +
					    std::to_string(kRecvWorkRequestsPerLink) + " end))] | length == 0' >/dev/null";
		for (int i = 0; i < 100; i++) {
			if (run_command(settled).second == 0 && run_on_peer(settled).first == 0)
				return;
			usleep(100 * 1000);
		}
		FAIL() << "link attempts still hold CQ entries 11 s after a VLAN came up";
	}
	std::vector<int> vlans_;
};

TEST_F(CqLimit, FullCqsRefuseTheLinkAndItsConnectionFallsBackWithMem)
{
	// Both guests have the same CQs and the same links, so the server, which creates
	// its link before it accepts, is the side that runs out: it declines with
	// SMC_CLC_DECL_MEM, which the client sees as the peer's diagnosis. Each VLAN is a
	// link group of its own, so each connection below brings one link.
	const std::string count_warnings = "dmesg | grep -c 'cq has room for another link'; true";
	const long warnings_before = std::stol(run_on_peer(count_warnings).second);
	std::vector<UniqueFd> held;
	auto open_smcr = [&](int vlan) {
		vlans_.push_back(vlan);
		const std::string failed = on_both_sides(vlans_script() + " up " + std::to_string(vlan));
		if (!failed.empty())
			throw Error("VLAN " + std::to_string(vlan) + ": " + failed);
		wait_for_link_attempts();
		held.push_back(connect_smc(5558, "10.0." + std::to_string(vlan) + ".1"));
		const auto s = find(held.back().get());
		EXPECT_TRUE(s && s->mode == SmcMode::smcr) << "VLAN " << vlan << ": no SMC-R though its link fits";
	};
	// The device's CQs come with its first link; then fill what room is left.
	open_smcr(110);
	const uint32_t fit = links_that_fit();
	ASSERT_LE(fit, 32u) << "the CQs are too large to fill here; lower rdma_rxe's max_cqe";
	for (uint32_t i = 1; i <= fit; i++)
		open_smcr(110 + static_cast<int>(i));
	EXPECT_EQ(links_that_fit(), 0u) << "the CQs still have room";
	for (const SmcrCq &cq : cqs())
		EXPECT_LE(cq.reserved, cq.entries);

	// One link more: the connection falls back, for the reason the server gives, and
	// still carries its traffic over TCP.
	const std::string full_vlan = std::to_string(111 + fit);
	vlans_.push_back(111 + static_cast<int>(fit));
	ASSERT_EQ(on_both_sides(vlans_script() + " up " + full_vlan), "");
	wait_for_link_attempts();
	UniqueFd refused = connect_smc(5558, "10.0." + full_vlan + ".1");
	const auto s = find(refused.get());
	ASSERT_TRUE(s.has_value());
	EXPECT_EQ(s->mode, SmcMode::fallback_tcp);
	EXPECT_EQ(fallback_reason_id(s->fallback_reason), "SMC_CLC_DECL_PEERDECL");
	EXPECT_EQ(fallback_reason_id(s->peer_diagnosis), "SMC_CLC_DECL_MEM") << "the server's reason";
	const TrafficResult r = two_requests("10.0." + full_vlan + ".1", true);
	EXPECT_TRUE(r.ok()) << format_key_value(r);
	EXPECT_EQ(r.bytes_verified, 2u * 64) << "the fallback connection's traffic";

	EXPECT_GT(std::stol(run_on_peer(count_warnings).second), warnings_before) << "the server logged no warning";
	// The server's CQs: within their sizes, each keeping entries only for its links.
	const auto [balance_status, balance] =
		run_on_peer(std::string(SMCSCALE_BUILD_DIR) + "/smc-cq-balance");
	EXPECT_EQ(balance_status, 0) << balance;
}

// ---- CQ creation that fails: fewer pairs, or a clean fallback ----

// Re-adds rxe0 with the testbed rxe's limit on the CQs a device hands out (rdma_rxe
// max_cq, read when a device is added), so that the series' first, second, ... CQ
// creation at the device's first link fails. scripts/guest-cq-limits runs it with
// SMC_TEST_READD_RXE=1: the suite's other tests need rxe0 as the guest set it up.
class CqCreate : public CqBinding {
protected:
	void SetUp() override
	{
		CqBinding::SetUp();
		if (!IsSkipped())
			require_cq_count_limit("re-adds rxe0");
	}
	void TearDown() override
	{
		if (IsSkipped())
			return;
		// leave rxe0 as the guest set it up: no limit, its PNET ID
		if (readd_rxe(0) != "")
			ADD_FAILURE() << "rxe0 could not be re-added without a limit";
		for (int vlan : vlans_)
			on_both_sides("ip link del eth0." + std::to_string(vlan) + " 2>/dev/null; true");
	}
	// Deletes rxe0 and adds it again with 'max_cq' (0: rxe's own limit), with its PNET
	// ID; "" on success, else what failed.
	static std::string readd_rxe(unsigned max_cq)
	{
		const std::string cfg = ". \"$SMCVM_RUN/config.sh\"; ";
		run_command("rdma link delete rxe0 2>&1");
		if (!write_param(max_cq))
			return "writing " + std::string(kMaxCq);
		const auto [out, status] = run_command("rdma link add rxe0 type rxe netdev eth0 2>&1");
		write_param(0);
		if (status != 0)
			return "rdma link add rxe0: " + out;
		// SMC keeps a user-defined PNET ID for a device name that comes back (6.1, 7.3);
		// add it again in case a kernel does not
		run_command(cfg + "$SMCVM_SMCCTL pnet add $SMCVM_PNETID --ib rxe0 --port 1 >/dev/null 2>&1");
		for (int i = 0; i < 100; i++) {
			GenlSocket sock;
			SmcNetlink nl(sock);
			for (const SmcrDevice &d : nl.smcr_devices())
				if (d.ib_name == "rxe0" && !d.ports.empty() && d.ports[0].state == 1 &&
				    !d.ports[0].pnetid.empty())
					return "";
			usleep(100 * 1000);
		}
		return "rxe0 not active with a PNET ID 10 s after 'rdma link add'";
	}
	static bool write_param(unsigned value)
	{
		std::ofstream param(kMaxCq);
		param << value << '\n';
		return static_cast<bool>(param.flush());
	}
	// An SMC connection on a new VLAN (a link group of its own) and its traffic.
	struct Attempt {
		std::optional<SmcSocket> socket;
		TrafficResult traffic;
	};
	Attempt connect_on_new_vlan()
	{
		const int vlan = kFirstVlan + static_cast<int>(vlans_.size());
		vlans_.push_back(vlan);
		const std::string failed = on_both_sides(vlans_script() + " up " + std::to_string(vlan));
		if (!failed.empty())
			throw Error("VLAN " + std::to_string(vlan) + ": " + failed);
		Attempt a;
		const std::string host = "10.0." + std::to_string(vlan) + ".1";
		UniqueFd fd = connect_smc(5558, host);
		a.socket = find(fd.get());
		a.traffic = two_requests(host, true);
		return a;
	}
	static constexpr int kFirstVlan = 140;
	std::vector<int> vlans_;
};

TEST_F(CqCreate, FailingCqLeavesFewerPairsOrAFallbackAndNoCq)
{
	// Without a limit: the CQs that others hold on rxe0 (the RDMA core's MAD CQ), and
	// the pairs SMC makes.
	ASSERT_EQ(readd_rxe(0), "");
	const int others = device_cqs("rxe0").first;
	Attempt full = connect_on_new_vlan();
	ASSERT_TRUE(full.socket.has_value());
	ASSERT_EQ(full.socket->mode, SmcMode::smcr) << "no SMC-R without a limit";
	const auto dev = device("rxe0");
	ASSERT_TRUE(dev && dev->cq_pairs);
	const uint32_t pairs = *dev->cq_pairs;
	ASSERT_GE(pairs, 2u) << "one pair: no middle CQ to fail (give the guest 2 or more vCPUs)";
	EXPECT_EQ(device_cqs("rxe0").second, static_cast<int>(2 * pairs));

	// The limit lets SMC create 'created' CQs and fails the next one: the first send
	// CQ, the first recv CQ, the second pair's send CQ, one in the middle and the last.
	const std::set<uint32_t> failure_points{0, 1, 2, pairs, 2 * pairs - 1};
	const std::string count_warnings = "dmesg | grep -c 'cq pairs, rc'; true";
	for (const uint32_t created : failure_points) {
		SCOPED_TRACE("CQ " + std::to_string(created + 1) + " of " + std::to_string(2 * pairs) + " fails");
		const long warnings_before = std::stol(run_command(count_warnings).first);
		ASSERT_EQ(readd_rxe(static_cast<unsigned>(others) + created), "");
		EXPECT_EQ(device_cqs("rxe0").second, 0) << "SMC CQs of the deleted rxe0 are left";
		const Attempt a = connect_on_new_vlan();
		ASSERT_TRUE(a.socket.has_value());
		EXPECT_TRUE(a.traffic.ok()) << format_key_value(a.traffic);
		EXPECT_EQ(a.traffic.bytes_verified, 2u * 64);
		const auto d = device("rxe0");
		ASSERT_TRUE(d && d->cq_pairs);
		const uint32_t kept = created / 2; // whole pairs created before the failure
		if (kept == 0) {
			// without a single pair the device is not used: the client declines,
			// and the connection carries its traffic over TCP
			EXPECT_EQ(a.socket->mode, SmcMode::fallback_tcp);
			EXPECT_EQ(fallback_reason_id(a.socket->fallback_reason), "SMC_CLC_DECL_MEM");
			EXPECT_EQ(*d->cq_pairs, 0u);
			EXPECT_EQ(device_cqs("rxe0").second, 0) << "a CQ of the failed pair is left";
		} else {
			// fewer pairs, and the link uses them
			EXPECT_EQ(a.socket->mode, SmcMode::smcr);
			EXPECT_EQ(*d->cq_pairs, kept);
			EXPECT_EQ(device_cqs("rxe0").second, static_cast<int>(2 * kept));
		}
		EXPECT_GT(std::stol(run_command(count_warnings).first), warnings_before)
			<< "no 'created " << kept << " of " << pairs << " cq pairs' warning";
	}
}

// ---- CQ creation that fails while links exist: a second device ----

// Both guests get a second RDMA device in the PNET ID (scripts/guest/second-device: rxe1
// on a macvlan of eth0). The series creates a device's CQs with its first link, so on
// rxe1 that happens while the link group of eth0 already has its link on rxe0: when
// rxe1 comes up, the link group tries a further link there. The client's rxe1 is added
// with the testbed rxe's max_cq, so that this creation fails at its first, second, ...
// CQ. scripts/guest-cq-limits runs it (SMC_TEST_READD_RXE=1).
class CqCreateSecondDevice : public CqBinding {
protected:
	void SetUp() override
	{
		CqBinding::SetUp();
		if (!IsSkipped())
			require_cq_count_limit("adds rxe1");
	}
	void TearDown() override
	{
		if (IsSkipped())
			return;
		const std::string failed = on_both_sides(script() + " down");
		if (!failed.empty())
			ADD_FAILURE() << "removing the second device: " << failed;
	}
	static std::string script() { return std::string(SMCSCALE_SOURCE_DIR) + "/../scripts/guest/second-device"; }
	// (Re-)adds the client's rxe1 with 'max_cq' (0: rxe's own limit): its port event
	// makes the client ask the server for a further link of each link group, and the
	// client sets up its side of it on rxe1.
	static std::string readd_rxe1(unsigned max_cq)
	{
		const auto [out, status] = run_command(script() + " up " + std::to_string(max_cq) + " 2>&1");
		return status == 0 ? "" : "client: " + out;
	}
	// How often the series said how many CQ pairs rxe1 got.
	static long pair_warnings()
	{
		return std::stol(run_command("dmesg | grep -c 'ib device rxe1: created'; true").first);
	}
	// The client's link group of eth0 (VLAN 0) and its links.
	std::pair<std::optional<LinkGroup>, std::vector<Link>> eth0_link_group()
	{
		const LinkDump dump = smc_->links();
		for (const LinkGroup &g : dump.groups) {
			if (g.vlan_id != 0 || g.role != 0)
				continue;
			std::vector<Link> links;
			for (const Link &l : dump.links)
				if (l.lgr_id == g.id)
					links.push_back(l);
			return {g, links};
		}
		return {std::nullopt, {}};
	}
	static std::vector<Link> links_on(const std::vector<Link> &links, const std::string &ibdev)
	{
		std::vector<Link> on;
		std::copy_if(links.begin(), links.end(), std::back_inserter(on),
			     [&](const Link &l) { return l.ib_device == ibdev; });
		return on;
	}
	// Verified traffic over the link group on a new connection, which must use SMC-R.
	static TrafficResult traffic() { return two_requests(g_config.peer, false); }
};

TEST_F(CqCreateSecondDevice, FailingCqOnASecondDeviceKeepsTheLinkGroupAndIsLogged)
{
	// Without a limit: the CQs others hold on rxe1 (the RDMA core's MAD CQ) and the
	// pairs SMC makes there. Both rxe1 come first, so that the link group of eth0, held
	// open by a connection, gets its first link on rxe0 and a further one on rxe1.
	const auto [peer_status, peer_out] = run_on_peer(script() + " up");
	ASSERT_EQ(peer_status, 0) << "server: " << peer_out;
	ASSERT_EQ(readd_rxe1(0), "");
	UniqueFd held = connect_smc(5558);
	const auto s = find(held.get());
	ASSERT_TRUE(s && s->mode == SmcMode::smcr) << "no SMC-R connection to " << g_config.peer;
	std::optional<SmcrDevice> dev;
	for (int i = 0; i < 200 && !(dev && dev->cq_pairs.value_or(0) > 0); i++) {
		usleep(100 * 1000);
		dev = device("rxe1");
	}
	ASSERT_TRUE(dev && dev->cq_pairs.value_or(0) > 0) << "SMC made no CQs on rxe1 20 s after it came up";
	const uint32_t pairs = *dev->cq_pairs;
	const auto [all_cqs, smc_cqs] = device_cqs("rxe1");
	ASSERT_EQ(smc_cqs, static_cast<int>(2 * pairs));
	const int others = all_cqs - smc_cqs;
	usleep(3000 * 1000); // the further link comes up, or its attempt times out (2 s)
	const auto [group, links] = eth0_link_group();
	ASSERT_TRUE(group.has_value()) << "no link group of eth0";
	EXPECT_EQ(links_on(links, "rxe0").size(), 1u);
	EXPECT_EQ(links_on(links, "rxe1").size(), 1u) << "the further link over rxe1 did not come up";

	// The limit lets SMC create 'created' of its CQs on rxe1 and fails the next one.
	std::set<uint32_t> failure_points{0, 1, pairs, 2 * pairs - 1};
	for (const uint32_t created : failure_points) {
		const uint32_t kept = created / 2; // whole pairs created before the failure
		SCOPED_TRACE("rxe1's CQ " + std::to_string(created + 1) + " of " + std::to_string(2 * pairs) +
			     " fails");
		const long warnings_before = pair_warnings();
		ASSERT_EQ(readd_rxe1(static_cast<unsigned>(others) + created), "");
		bool logged = false;
		for (int i = 0; i < 200 && !logged; i++) {
			usleep(100 * 1000);
			logged = pair_warnings() > warnings_before;
		}
		EXPECT_TRUE(logged) << "no 'ib device rxe1: created N of M cq pairs' 20 s after rxe1 came up";
		const std::string line = "ib device rxe1: created " + std::to_string(kept) + " of " +
					 std::to_string(pairs) + " cq pairs";
		EXPECT_EQ(run_command("dmesg | grep -q '" + line + "'").second, 0) << "no '" << line << "'";
		const auto d = device("rxe1");
		ASSERT_TRUE(d && d->cq_pairs);
		EXPECT_EQ(*d->cq_pairs, kept);
		EXPECT_EQ(device_cqs("rxe1").second, static_cast<int>(2 * kept))
			<< "CQs of a failed pair are left";
		// the link group keeps a link on rxe0, and gets its further link over rxe1
		// on the pairs kept, or none without a pair; it carries traffic over SMC-R
		usleep(3000 * 1000);
		const auto [g, now] = eth0_link_group();
		ASSERT_TRUE(g.has_value()) << "the link group of eth0 is gone";
		EXPECT_FALSE(links_on(now, "rxe0").empty()) << "no link on rxe0 left";
		const std::vector<Link> on_rxe1 = links_on(now, "rxe1");
		EXPECT_EQ(on_rxe1.size(), kept ? 1u : 0u) << "links over rxe1";
		for (const Link &l : on_rxe1) {
			EXPECT_LT(l.send_cq.value_or(kept), kept) << "the link over rxe1 is not on a pair kept";
			EXPECT_LT(l.recv_cq.value_or(kept), kept) << "the link over rxe1 is not on a pair kept";
		}
		const TrafficResult r = traffic();
		EXPECT_TRUE(r.ok()) << format_key_value(r);
		EXPECT_EQ(r.bytes_verified, 2u * 64);
	}
}

// ---- the CQ dump: every CQ reaches the user, however many there are ----

// Runs in a client guest with many CPUs (scripts/guest-cq-limits boots one with 24), so
// that the device's CQ table is larger than one netlink buffer.
class CqDump : public ClientSideTest {
protected:
	void SetUp() override
	{
		ClientSideTest::SetUp();
		if (IsSkipped())
			return;
		if (const std::string why = without_cq_attributes(); !why.empty())
			SKIP_BECAUSE(why);
		if (sysconf(_SC_NPROCESSORS_ONLN) < kCpus)
			SKIP_BECAUSE("fewer than " + std::to_string(kCpus) +
				     " CPUs: the CQ table fits one netlink buffer (scripts/guest-cq-limits runs "
				     "this test with more)");
	}
	static constexpr long kCpus = 24;
};

TEST_F(CqDump, EveryCqArrivesInADumpTheKernelContinues)
{
	// The device's CQs come with its first link.
	UniqueFd fd = connect_smc(5558);
	// A fresh socket that reads 4 KiB at a time: the kernel fills the dump's buffers only
	// that far, and 48 CQs of about 100 bytes each need two.
	GenlSocket small;
	small.limit_receive_buffer(4096);
	SmcNetlink nl(small);
	const std::vector<SmcrDevice> devices = nl.smcr_devices();
	// smcr_devices() dumps the devices, then the CQs: the last transaction's datagrams
	const size_t datagrams = small.last_datagrams();
	const unsigned cpus = static_cast<unsigned>(sysconf(_SC_NPROCESSORS_ONLN));
	size_t cqs = 0;
	for (const SmcrDevice &d : devices) {
		if (!d.cq_pairs || *d.cq_pairs == 0)
			continue;
		EXPECT_EQ(*d.cq_pairs, std::min(d.comp_vectors.value_or(0), cpus)) << d.ib_name;
		ASSERT_EQ(d.cqs.size(), 2u * *d.cq_pairs) << d.ib_name << ": CQs missing from the dump";
		// in creation order, each once: send 0, recv 0, send 1, ...
		for (size_t i = 0; i < d.cqs.size(); i++) {
			EXPECT_EQ(d.cqs[i].send, i % 2 == 0) << d.ib_name << " CQ " << i;
			EXPECT_EQ(d.cqs[i].index, i / 2) << d.ib_name << " CQ " << i;
		}
		cqs += d.cqs.size();
	}
	EXPECT_GE(cqs, 2u * kCpus);
	EXPECT_GE(datagrams, 2u) << cqs << " CQs came in one datagram: the kernel did not have to continue "
				 << "the dump, so this run proves nothing about continuing it";
}

// ---- a link group lost while its sockets close: no sock may leak ----

class LinkLoss : public VlanTest {
protected:
	std::string module_unsuitable() override
	{
		return g_config.variant == "stock" ? "stock net/smc leaks a sock here; patch 2 of the series fixes it" : "";
	}
	void TearDown() override
	{
		if (!vlan_used_)
			return;
		run_command("ip link del eth0." + std::to_string(kVlan) + " 2>/dev/null");
		run_on_peer("ip link del eth0." + std::to_string(kVlan) + " 2>/dev/null; true");
	}
	static constexpr int kVlan = 104;
	bool vlan_used_ = false;
};

TEST_F(LinkLoss, LinkGroupLostWhileTheSocketClosesLeaksNoSock)
{
	// Each round: a connection on a VLAN of its own (its own link group), the VLAN
	// taken down on both sides, a send that makes the client's QP fail, and a close a
	// few seconds later. The server learns of the loss when its own QP fails, and its
	// abort (smc_close_active_abort) races the server application's close. Stock 6.1
	// leaked 1 or 2 socks in 20 such rounds (the module reference never came back).
	const std::string vlans = vlans_script();
	const std::string vlan = std::to_string(kVlan);
	// smc's module reference count: one per SMC sock and per struct socket (and one for
	// a loaded smc_diag), so a leaked sock shows as a count that does not come back.
	const std::string refs = "cat /sys/module/smc/refcnt";
	const std::string reset = "ip link del eth0." + vlan + " 2>/dev/null; " + vlans + " up " + vlan;
	const long local_before = std::stol(run_command(refs).first);
	const auto [peer_status, peer_refs] = run_on_peer(refs);
	ASSERT_EQ(peer_status, 0) << peer_refs;
	const long peer_before = std::stol(peer_refs);
	// Every round starts from the same state: neither side has a link group on the
	// VLAN any more (the previous round's is torn down once its QPs fail).
	const std::string peer_lg_gone = "for i in $(seq 600); do " + std::string(SMCSCALE_BUILD_DIR) +
					 "/smcctl linkgroup | awk '$4 == " + vlan +
					 "' | grep -q . || exit 0; sleep 0.1; done; exit 1";
	vlan_used_ = true;
	for (uint32_t round = 0; round < g_config.close_race_rounds; round++) {
		bool local_gone = false;
		for (int i = 0; i < 600 && !local_gone; i++) {
			const std::vector<LinkGroup> groups = smc_->link_groups();
			local_gone = std::none_of(groups.begin(), groups.end(),
						  [](const LinkGroup &g) { return g.vlan_id == kVlan; });
			if (!local_gone)
				usleep(100 * 1000);
		}
		ASSERT_TRUE(local_gone) << "the link group of VLAN " << vlan << " outlived its VLAN by 60 s";
		ASSERT_EQ(run_on_peer(peer_lg_gone).first, 0)
			<< "the server's link group of VLAN " << vlan << " outlived its VLAN by 60 s";
		ASSERT_EQ(run_command(reset).second, 0) << "VLAN " << vlan << " up, round " << round;
		const auto [up_status, up_out] = run_on_peer(reset);
		ASSERT_EQ(up_status, 0) << up_out;
		// both neighbour entries resolved before rxe needs them for the link's setup
		ASSERT_EQ(run_command("ping -q -c 1 -W 5 10.0." + vlan + ".1 >/dev/null").second, 0)
			<< "no ping over the new VLAN " << vlan;
		UniqueFd fd = connect_smc(5558, "10.0." + vlan + ".1");
		usleep(200 * 1000);
		ASSERT_EQ(run_command(vlans + " down " + vlan).second, 0);
		const auto [down_status, down_out] = run_on_peer(vlans + " down " + vlan);
		ASSERT_EQ(down_status, 0) << down_out;
		const char byte = 0;
		(void)::send(fd.get(), &byte, 1, MSG_NOSIGNAL);
		sleep(3);
	}
	// Closing socks hold their reference for a moment; a leaked one holds it for good.
	long local_after = 0, peer_after = 0;
	for (int i = 0; i < 60; i++) {
		local_after = std::stol(run_command(refs).first);
		peer_after = std::stol(run_on_peer(refs).second);
		if (local_after <= local_before && peer_after <= peer_before)
			break;
		sleep(1);
	}
	EXPECT_LE(local_after, local_before) << "this side leaked " << local_after - local_before << " sock(s)";
	EXPECT_LE(peer_after, peer_before) << "the server leaked " << peer_after - peer_before << " sock(s)";
}

// ---- a lossy wire: rxe retransmits while SMC registers new buffers ----

// One rxe hardware counter of rxe0 port 1.
uint64_t rxe_counter(const std::string &name)
{
	const std::string path = "/sys/class/infiniband/rxe0/ports/1/hw_counters/" + name;
	std::ifstream f(path);
	uint64_t v = 0;
	if (!(f >> v))
		throw Error("cannot read " + path);
	return v;
}

class LossyWire : public VlanTest {
protected:
	std::string module_unsuitable() override { return ""; }
	// The loss goes; the VLAN stays, with its idle link group. Deleting the VLAN would
	// remove its GID, and stock net/smc then stops every link of the port, not just
	// the one that used the GID (series patch 3 fixes that; VlanRemoval tests it).
	void TearDown() override
	{
		if (!vlan_used_)
			return;
		on_both_sides("tc qdisc del dev eth0." + std::to_string(kVlan) + " root 2>/dev/null; true");
	}
	static constexpr int kVlan = 105;
	bool vlan_used_ = false;
};

TEST_F(LossyWire, NewConnectionsKeepTheLinkWhileRxeRetransmits)
{
	// Every new connection registers a new RMB on each side with a REG_MR on a link that
	// carries stream traffic. With frames lost on the wire, rxe retransmits; its retry
	// used to execute a REG_MR that waited behind an unacknowledged write a second time
	// ("rxe_reg_fast_mr: mr->lkey = ... not free"), which put the QP into error and took
	// the link group down (testbed patch "RDMA/rxe: Do not execute a local operation
	// again on a retry"). The loss is on this test's VLAN only: its own link group.
	const std::string vlan = std::to_string(kVlan);
	const std::string host = "10.0." + vlan + ".1";
	vlan_used_ = true;
	ASSERT_EQ(on_both_sides(vlans_script() + " up " + vlan + " && tc qdisc add dev eth0." + vlan +
				" root netem loss 2%"),
		  "");
	ASSERT_EQ(run_command("ping -q -c 3 -W 5 " + host + " >/dev/null").second, 0) << "no ping over VLAN " << vlan;
	const uint64_t retries_before = rxe_counter("completer_retry_err");

	TrafficOptions o;
	o.host = host;
	o.port = 5558;
	o.mode = TrafficMode::stream;
	o.connections = g_config.lossy_streams;
	o.duration = 600;
	std::atomic<bool> stop{false};
	TrafficResult streams;
	std::thread stream_thread([&] { streams = run_traffic_client(o, stop); });
	// the streams' link group first, so that every connection below joins it
	std::optional<uint32_t> lgr_id;
	for (int i = 0; i < 300 && !lgr_id; i++) {
		if (const std::set<uint32_t> ids = client_link_groups(kVlan); !ids.empty())
			lgr_id = *ids.begin();
		else
			usleep(100 * 1000);
	}
	std::vector<UniqueFd> held;
	std::string failure;
	if (lgr_id) {
		sleep(1);
		try {
			// held open: each one needs an RMB of its own, registered on both sides
			for (uint32_t i = 0; i < g_config.lossy_connections; i++)
				held.push_back(connect_smc(5558, host));
		} catch (const std::exception &e) {
			failure = e.what();
		}
	}
	const std::set<uint32_t> on_vlan = client_link_groups(kVlan);
	std::vector<std::optional<SmcSocket>> sockets;
	for (const UniqueFd &fd : held)
		sockets.push_back(find(fd.get()));
	stop = true;
	stream_thread.join();
	const uint64_t retries = rxe_counter("completer_retry_err") - retries_before;

	ASSERT_TRUE(lgr_id) << "the stream connections made no link group on VLAN " << vlan << " in 30 s";
	ASSERT_EQ(failure, "") << "after " << held.size() << " connections";
	EXPECT_GT(retries, 0u) << "rxe retransmitted nothing: the loss did not reach the test";
	EXPECT_EQ(on_vlan, std::set<uint32_t>{*lgr_id}) << "the link group of VLAN " << vlan
							    << " was lost or replaced (rxe retransmits: " << retries << ")";
	uint32_t smcr = 0;
	for (const auto &s : sockets)
		smcr += s && s->mode == SmcMode::smcr;
	EXPECT_EQ(smcr, g_config.lossy_connections) << "connections that are not SMC-R";
	EXPECT_TRUE(streams.ok()) << format_key_value(streams);
	EXPECT_GT(streams.bytes_sent, 0u);
	RecordProperty("rxe_retransmits", std::to_string(retries));
}

// ---- a VLAN deleted: only the links that used its GID stop ----

class VlanRemoval : public VlanTest {
protected:
	std::string module_unsuitable() override
	{
		return g_config.variant == "stock"
			       ? "stock net/smc stops every link of the port when one GID goes; patch 3 of the series fixes it"
			       : "";
	}
	void TearDown() override
	{
		if (vlan_used_)
			run_on_peer("ip link del eth0." + std::to_string(kVlan) + " 2>/dev/null; true");
	}
	static constexpr int kVlan = 106;
	bool vlan_used_ = false;
};

TEST_F(VlanRemoval, DeletingAVlanStopsOnlyItsLinkGroup)
{
	// Deleting a VLAN device removes its IP address, which is the GID of SMC-Rv2 links
	// over it. SMC must stop those links, and only those: stock 6.1 (and 7.3) stops
	// every link of the RoCE port, so the link groups of other VLANs and of the untagged
	// network go too.
	const std::set<uint32_t> others = client_link_groups(kVlan, false);
	ASSERT_FALSE(others.empty()) << "no other link group to watch (the traffic tests leave some)";
	const std::string vlan = std::to_string(kVlan);
	vlan_used_ = true;
	ASSERT_EQ(on_both_sides(vlans_script() + " up " + vlan), "");
	ASSERT_EQ(run_command("ping -q -c 1 -W 5 10.0." + vlan + ".1 >/dev/null").second, 0);
	UniqueFd fd = connect_smc(5558, "10.0." + vlan + ".1");
	ASSERT_EQ(client_link_groups(kVlan).size(), 1u) << "no link group on VLAN " << vlan;

	ASSERT_EQ(run_command("ip link del eth0." + vlan).second, 0);
	bool gone = false;
	for (int i = 0; i < 300 && !gone; i++) {
		gone = client_link_groups(kVlan).empty();
		if (!gone)
			usleep(100 * 1000);
	}
	EXPECT_TRUE(gone) << "the link group of the deleted VLAN " << vlan << " is still there after 30 s";
	sleep(2); // a port-wide stop would have reached the others by now
	const std::set<uint32_t> after = client_link_groups(kVlan, false);
	std::vector<uint32_t> lost;
	std::set_difference(others.begin(), others.end(), after.begin(), after.end(), std::back_inserter(lost));
	EXPECT_TRUE(lost.empty()) << lost.size() << " of " << others.size()
				  << " link groups of other VLANs went with VLAN " << vlan;
}

TEST_F(SmcTest, RdmaCoreSeesTheCqLoadsNetlinkReports)
{
	const LinkDump links = smc_->links();
	for (const SmcrDevice &d : smc_->smcr_devices()) {
		const auto cqs = rdma_smc_cqs(d.ib_name);
		uint32_t device_links = 0;
		for (const Link &l : links.links)
			device_links += l.ib_device == d.ib_name;
		ASSERT_GT(device_links, 0u) << d.ib_name << " has no links: nothing to compare";
		if (!d.reports_cqs()) {
			// stock: one send and one recv CQ, every QP on both
			ASSERT_EQ(cqs.size(), 2u) << d.ib_name;
			EXPECT_EQ(cqs[0].users, device_links);
			EXPECT_EQ(cqs[1].users, device_links);
			continue;
		}
		// the series creates send i, then recv i, for i = 0..pairs-1
		ASSERT_EQ(cqs.size(), 2u * d.cq_pairs.value_or(0)) << d.ib_name;
		for (const SmcrCq &cq : d.cqs) {
			const size_t pos = 2 * cq.index + (cq.send ? 0 : 1);
			ASSERT_LT(pos, cqs.size());
			EXPECT_EQ(cqs[pos].users, cq.load)
				<< d.ib_name << (cq.send ? " send" : " recv") << " cq " << cq.index << " (cqn "
				<< cqs[pos].cqn << ")";
			EXPECT_EQ(cqs[pos].cqe, cq.entries)
				<< d.ib_name << (cq.send ? " send" : " recv") << " cq " << cq.index << ": size";
		}
	}
}

// ---- what the stock module must look like ----

TEST_F(SmcTest, StockModuleReportsNoCqAttributes)
{
	if (g_config.variant != "stock")
		SKIP_BECAUSE("only for the stock module");
	for (const SmcrDevice &d : smc_->smcr_devices())
		EXPECT_FALSE(d.reports_cqs()) << d.ib_name;
}

TEST_F(SmcTest, PatchedModuleReportsCqAttributes)
{
	if (g_config.variant != "patched")
		SKIP_BECAUSE("only for the patched module");
	for (const SmcrDevice &d : smc_->smcr_devices())
		EXPECT_TRUE(d.reports_cqs()) << d.ib_name;
}

} // namespace

int main(int argc, char **argv)
{
	::testing::InitGoogleTest(&argc, argv); // takes the --gtest_* options out
	ArgParser p("smc_guest_tests", "--role client|server [options] [gtest options]");
	p.option("--role", "client|server", "which side this host is", [](const std::string &v) {
		if (v != "client" && v != "server")
			throw UsageError("--role must be client or server");
		g_config.role = v;
	});
	p.option("--peer", "ADDR", "client: the server's address", [](const std::string &v) { g_config.peer = v; });
	p.option("--connections", "N", "request/response connections (default 300)", [](const std::string &v) {
		g_config.connections = static_cast<uint32_t>(parse_integer("--connections", v, 1, 65536));
	});
	p.option("--close-race-rounds", "N", "rounds of the link-loss-while-closing test (default 10)",
		 [](const std::string &v) {
			 g_config.close_race_rounds = static_cast<uint32_t>(parse_integer("--close-race-rounds", v, 1, 10000));
		 });
	p.option("--lossy-connections", "N",
		 "connections the lossy-wire test opens while its streams run (default 40; at most 200, "
		 "so they fit one link group)",
		 [](const std::string &v) {
			 g_config.lossy_connections = static_cast<uint32_t>(parse_integer("--lossy-connections", v, 1, 200));
		 });
	p.option("--variant", "stock|patched", "the smc module the host runs, when known",
		 [](const std::string &v) { g_config.variant = v; });
	try {
		p.parse(argc, argv);
		if (p.help_requested()) {
			std::cout << p.usage();
			return 0;
		}
		if (g_config.role.empty())
			throw UsageError("--role is required");
	} catch (const UsageError &e) {
		std::cerr << "smc_guest_tests: " << e.what() << "\n";
		return 2;
	}
	return RUN_ALL_TESTS();
}
