// SPDX-License-Identifier: GPL-2.0
// The parsers on replies a real 6.1 kernel sent in the testbed (tests/data).
#include "error.hpp"
#include "fallback_watch.hpp"
#include "nl_attrs.hpp"
#include "recorded.hpp"
#include "smc_json.hpp"
#include "smc_netlink.hpp"
#include "smc_render.hpp"

#include <linux/smc.h>

#include <gtest/gtest.h>

#include <sstream>

using namespace smcscale;
using smcscale::test::load_recording;

class SmcrClientRecording : public ::testing::Test {
protected:
	test::Recording rec = load_recording("smcr-client-6.1.rec");
};

TEST_F(SmcrClientRecording, SysInfo)
{
	ASSERT_EQ(rec["info"].size(), 1u);
	SysInfo s = parse_sys_info(rec["info"][0]);
	EXPECT_EQ(s.version, 2);
	EXPECT_TRUE(s.smcr_v2);
	EXPECT_EQ(s.local_host, "smcvm-client");
}

TEST_F(SmcrClientRecording, Device)
{
	ASSERT_EQ(rec["device"].size(), 1u);
	SmcrDevice d = parse_smcr_device(rec["device"][0]);
	EXPECT_EQ(d.ib_name, "rxe0");
	EXPECT_FALSE(d.pci_id.has_value()); // rxe has no PCI parent
	ASSERT_EQ(d.ports.size(), 1u);
	EXPECT_EQ(d.ports[0].port, 1);
	EXPECT_EQ(d.ports[0].pnetid, "SMCNET");
	EXPECT_TRUE(d.ports[0].pnetid_by_user);
	EXPECT_EQ(d.ports[0].state, 1);
	EXPECT_EQ(d.ports[0].link_count, 1u);
}

TEST_F(SmcrClientRecording, LinkGroupsAndLinks)
{
	LinkDump groups = parse_link_dump(rec["linkgroup"]);
	ASSERT_EQ(groups.groups.size(), 1u);
	EXPECT_TRUE(groups.links.empty());
	const LinkGroup &g = groups.groups[0];
	EXPECT_EQ(g.role, 0); // client
	EXPECT_EQ(g.pnetid, "SMCNET");
	ASSERT_TRUE(g.v2_version.has_value());
	EXPECT_EQ(*g.v2_version, 2);
	ASSERT_TRUE(g.negotiated_eid.has_value());
	EXPECT_EQ(*g.negotiated_eid, "SMC-SCALE-TESTBED");
	EXPECT_EQ(g.peer_host.value_or(""), "smcvm-server");
	ASSERT_TRUE(g.v2_direct.has_value());
	EXPECT_TRUE(*g.v2_direct);

	LinkDump links = parse_link_dump(rec["link"]);
	ASSERT_EQ(links.groups.size(), 1u);
	ASSERT_EQ(links.links.size(), 1u);
	const Link &l = links.links[0];
	EXPECT_EQ(l.lgr_id, g.id);
	EXPECT_EQ(l.link_id, 1);
	EXPECT_EQ(l.state, 3u); // SMC_LNK_ACTIVE
	EXPECT_EQ(l.ib_device, "rxe0");
	EXPECT_EQ(l.ib_port, 1);
	EXPECT_EQ(l.gid, "0000:0000:0000:0000:0000:ffff:0a00:0002");
	EXPECT_EQ(l.peer_gid, "0000:0000:0000:0000:0000:ffff:0a00:0001");
}

TEST_F(SmcrClientRecording, Stats)
{
	ASSERT_EQ(rec["stats"].size(), 1u);
	Stats s = parse_stats(rec["stats"][0]);
	EXPECT_EQ(s.smcr.client_v2_success, 2u);
	EXPECT_EQ(s.smcr.client_v1_success, 0u);
	EXPECT_GT(s.smcr.tx_bytes, 0u);
	EXPECT_GT(s.smcr.rx_bytes, 0u);
	EXPECT_EQ(s.smcd.client_v2_success, 0u);
}

TEST_F(SmcrClientRecording, NoFallbackIsAnEmptyDump)
{
	EXPECT_TRUE(rec["fallback"].empty());
	FallbackStats f = parse_fallback_stats(rec["fallback"]);
	EXPECT_EQ(f.client_total, 0u);
	EXPECT_EQ(f.server_total, 0u);
}

TEST_F(SmcrClientRecording, UeidAndPnet)
{
	ASSERT_EQ(rec["ueid"].size(), 1u);
	EXPECT_EQ(parse_ueid(rec["ueid"][0]), "SMC-SCALE-TESTBED");
	ASSERT_EQ(rec["pnet"].size(), 2u);
	PnetEntry eth = parse_pnet_entry(rec["pnet"][0]);
	PnetEntry ib = parse_pnet_entry(rec["pnet"][1]);
	EXPECT_EQ(eth.pnetid, "SMCNET");
	EXPECT_EQ(eth.eth_name, "eth0");
	EXPECT_EQ(eth.ib_port, 0xff);
	EXPECT_EQ(ib.ib_name, "rxe0");
	EXPECT_EQ(ib.ib_port, 1);
	EXPECT_EQ(ib.eth_name, "n/a");
}

TEST_F(SmcrClientRecording, RendersTablesInSmcrWordsAndJson)
{
	// smcr device's columns and words (a stock module: no CQ columns' values)
	std::ostringstream out;
	render_devices(out, {parse_smcr_device(rec["device"][0])});
	EXPECT_EQ(out.str(), "Net-Dev  IB-Dev  IB-P  IB-State  Type  Crit  #Links  PNET-ID  #CQ-Pairs  #Vectors\n"
			     "-        rxe0    1     ACTIVE    -     Yes   1       *SMCNET  -          -\n");
	// smcr linkgroup link-show's, with the link group's role and type
	const LinkDump dump = parse_link_dump(rec["link"]);
	std::ostringstream links;
	render_links(links, dump);
	const std::string first = links.str().substr(0, links.str().find('\n'));
	EXPECT_EQ(first, "LG-ID     LG-Role  LG-Type  Net-Dev  Link-State   #Conns  IB-Dev  IB-P  Send-CQ  Recv-CQ");
	EXPECT_NE(links.str().find("CLNT     SINGLE   -        LINK_ACTIVE"), std::string::npos) << links.str();
	EXPECT_EQ(links.str().find("0000:ffff:0a00"), std::string::npos) << "GIDs only with -d";
	std::ostringstream detailed;
	render_links(detailed, dump, 1);
	EXPECT_NE(detailed.str().find("Peer-GID"), std::string::npos);
	EXPECT_NE(detailed.str().find("0000:0000:0000:0000:0000:ffff:0a00:0002"), std::string::npos) << detailed.str();
	nlohmann::json j = dump.links;
	EXPECT_EQ(j[0]["ib_device"], "rxe0");
	EXPECT_EQ(j[0]["state"], 3);
}

TEST(CqRecording, DetailsShowTheCqTable)
{
	auto rec = load_recording("smcr-cqs-client-6.1.rec");
	const std::vector<SmcrDevice> devices = parse_smcr_devices(rec["device"]);
	std::ostringstream plain, detailed;
	render_devices(plain, devices);
	render_devices(detailed, devices, 1);
	EXPECT_EQ(plain.str().find("#Reserved"), std::string::npos);
	EXPECT_NE(detailed.str().find("IB-Dev  Dir   CQ  Vector  #Entries  #Reserved  #Links  Completions"), std::string::npos)
		<< detailed.str();
	EXPECT_NE(detailed.str().find("send"), std::string::npos);
}

TEST(FallbackRecording, ReasonsAndTotals)
{
	auto rec = load_recording("fallback-client-6.1.rec");
	FallbackStats f = parse_fallback_stats(rec["fallback"]);
	EXPECT_EQ(f.client_total, 2u);
	EXPECT_EQ(f.server_total, 0u);
	ASSERT_EQ(f.reasons.size(), 1u);
	EXPECT_FALSE(f.reasons[0].server);
	EXPECT_EQ(f.reasons[0].code, 0x03010000u);
	EXPECT_EQ(f.reasons[0].count, 2u);
	EXPECT_EQ(fallback_reason_name(f.reasons[0].code), "peer does not offer SMC");
	EXPECT_EQ(fallback_reason_id(f.reasons[0].code), "SMC_CLC_DECL_PEERNOSMC");
	EXPECT_EQ(fallback_reason_id(0x0bad0000), "0x0bad0000");
	std::ostringstream out;
	render_fallbacks(out, f);
	EXPECT_NE(out.str().find("0x03010000  SMC_CLC_DECL_PEERNOSMC  2      peer does not offer SMC"),
		  std::string::npos)
		<< out.str();
	EXPECT_NE(out.str().find("since the smc module was loaded"), std::string::npos);
}

TEST(MalformedReplies, AreErrorsNotCrashes)
{
	auto rec = load_recording("smcr-client-6.1.rec");
	NetlinkMessage m = rec["device"][0];
	// Truncated below its own length field.
	NetlinkMessage cut = m;
	cut.bytes.resize(m.bytes.size() / 2);
	EXPECT_THROW(parse_smcr_device(cut), Error);
	// Shorter than the headers.
	NetlinkMessage tiny;
	tiny.bytes.assign(8, 0);
	EXPECT_THROW(parse_smcr_device(tiny), Error);
	// A reply of another command is rejected by the link dump parser.
	EXPECT_THROW(parse_link_dump(rec["stats"]), Error);
	// A link before any link group.
	std::vector<NetlinkMessage> only_link{rec["link"][1]};
	EXPECT_THROW(parse_link_dump(only_link), Error);
}

TEST(FallbackRecording, DeltaNamesTheReasons)
{
	auto rec = load_recording("fallback-client-6.1.rec");
	const FallbackStats after = parse_fallback_stats(rec["fallback"]);
	const FallbackDelta d = fallback_delta(FallbackStats{}, after);
	EXPECT_EQ(d.client, 2u);
	EXPECT_EQ(d.server, 0u);
	EXPECT_EQ(d.reasons, "2 x client: peer does not offer SMC (0x03010000)");
	EXPECT_EQ(fallback_delta(after, after).client, 0u);
	EXPECT_TRUE(fallback_delta(after, after).reasons.empty());
}
