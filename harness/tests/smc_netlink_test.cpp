// SPDX-License-Identifier: GPL-2.0
// Request building and validation. Parsing of recorded kernel replies is in
// smc_recorded_test.cpp.
#include "error.hpp"
#include "genl_socket.hpp"
#include "smc_netlink.hpp"

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/smc.h>

#include <gtest/gtest.h>

#include <cstring>

using namespace smcscale;

TEST(Ueid, PadsAndUppercases)
{
	EXPECT_EQ(normalize_ueid("smc-scale.test1"), "SMC-SCALE.TEST1                 ");
	EXPECT_EQ(normalize_ueid("A").size(), 32u);
	EXPECT_EQ(normalize_ueid(std::string(32, 'X')), std::string(32, 'X'));
}

TEST(Ueid, RejectsWhatTheKernelRejects)
{
	EXPECT_THROW(normalize_ueid(""), Error);
	EXPECT_THROW(normalize_ueid(std::string(33, 'X')), Error);
	EXPECT_THROW(normalize_ueid("-LEADING-DASH"), Error);
	EXPECT_THROW(normalize_ueid(".DOT"), Error);
	EXPECT_THROW(normalize_ueid("HAS SPACE"), Error);
	EXPECT_THROW(normalize_ueid("UNDER_SCORE"), Error);
	EXPECT_THROW(normalize_ueid("\xc3\x84"), Error);
	try {
		normalize_ueid("BAD_ONE");
	} catch (const Error &e) {
		EXPECT_NE(std::string(e.what()).find("'_'"), std::string::npos) << e.what();
	}
}

TEST(Pnetid, Validation)
{
	EXPECT_EQ(normalize_pnetid("smcnet1"), "SMCNET1");
	EXPECT_EQ(normalize_pnetid(std::string(16, 'a')), std::string(16, 'A'));
	EXPECT_THROW(normalize_pnetid(""), Error);
	EXPECT_THROW(normalize_pnetid(std::string(17, 'A')), Error);
	EXPECT_THROW(normalize_pnetid("NET-1"), Error);
}

namespace {

// Walks the attributes of a built request by hand, independently of libnl, so the
// test checks the wire format rather than libnl against itself.
struct WireAttr {
	uint16_t type;
	std::vector<uint8_t> payload;
};

std::vector<WireAttr> wire_attrs(const NetlinkMessage &m)
{
	std::vector<WireAttr> out;
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;
	const size_t end = m.header()->nlmsg_len;
	while (off + NLA_HDRLEN <= end) {
		nlattr a;
		std::memcpy(&a, m.bytes.data() + off, sizeof(a));
		EXPECT_GE(a.nla_len, NLA_HDRLEN);
		EXPECT_LE(off + a.nla_len, end);
		out.push_back({a.nla_type, std::vector<uint8_t>(m.bytes.begin() + off + NLA_HDRLEN,
								m.bytes.begin() + off + a.nla_len)});
		off += NLA_ALIGN(a.nla_len);
	}
	EXPECT_EQ(off, end);
	return out;
}

} // namespace

TEST(Request, AddUeidCarriesPaddedEntryWithNul)
{
	const int family = 0x1f;
	NetlinkMessage m = build_genl_request(family, SMC_NETLINK_ADD_UEID, SMC_GENL_FAMILY_VERSION,
					      NLM_F_ACK, ueid_attributes(normalize_ueid("SMC-SCALE")));
	EXPECT_EQ(m.header()->nlmsg_type, family);
	EXPECT_EQ(m.header()->nlmsg_flags & NLM_F_ACK, NLM_F_ACK);
	EXPECT_EQ(m.bytes.size(), m.header()->nlmsg_len);
	genlmsghdr g;
	std::memcpy(&g, m.bytes.data() + NLMSG_HDRLEN, sizeof(g));
	EXPECT_EQ(g.cmd, SMC_NETLINK_ADD_UEID);
	EXPECT_EQ(g.version, SMC_GENL_FAMILY_VERSION);
	auto attrs = wire_attrs(m);
	ASSERT_EQ(attrs.size(), 1u);
	EXPECT_EQ(attrs[0].type, SMC_NLA_EID_TABLE_ENTRY);
	// smc_nl_add_ueid() insists on exactly SMC_MAX_EID_LEN + 1 bytes.
	ASSERT_EQ(attrs[0].payload.size(), SMC_MAX_EID_LEN + 1u);
	EXPECT_EQ(std::string(attrs[0].payload.begin(), attrs[0].payload.end() - 1),
		  "SMC-SCALE                       ");
	EXPECT_EQ(attrs[0].payload.back(), 0);
}

TEST(Request, PnetIbEntry)
{
	NetlinkMessage m = build_genl_request(0x20, SMC_PNETID_ADD, SMCR_GENL_FAMILY_VERSION, NLM_F_ACK,
					      pnet_ib_attributes("SMCNET", "rxe0", 1));
	auto attrs = wire_attrs(m);
	ASSERT_EQ(attrs.size(), 3u);
	EXPECT_EQ(attrs[0].type, SMC_PNETID_NAME);
	EXPECT_EQ(std::string(reinterpret_cast<const char *>(attrs[0].payload.data())), "SMCNET");
	EXPECT_EQ(attrs[1].type, SMC_PNETID_IBNAME);
	EXPECT_EQ(std::string(reinterpret_cast<const char *>(attrs[1].payload.data())), "rxe0");
	EXPECT_EQ(attrs[2].type, SMC_PNETID_IBPORT);
	ASSERT_EQ(attrs[2].payload.size(), 1u);
	EXPECT_EQ(attrs[2].payload[0], 1);
}

TEST(Request, PnetEthEntry)
{
	NetlinkMessage m = build_genl_request(0x20, SMC_PNETID_ADD, SMCR_GENL_FAMILY_VERSION, NLM_F_ACK,
					      pnet_eth_attributes("SMCNET", "eth0"));
	auto attrs = wire_attrs(m);
	ASSERT_EQ(attrs.size(), 2u);
	EXPECT_EQ(attrs[1].type, SMC_PNETID_ETHNAME);
	EXPECT_EQ(std::string(reinterpret_cast<const char *>(attrs[1].payload.data())), "eth0");
}
