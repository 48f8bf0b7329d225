// SPDX-License-Identifier: GPL-2.0
// The CQ attributes of the series, parsed from a recording of the patched kernel, and
// the balance checks on recorded and on constructed tables.
#include "cq_balance.hpp"
#include "error.hpp"
#include "nl_attrs.hpp"
#include "recorded.hpp"
#include "smc_netlink.hpp"
#include "smc_uapi_cq.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace smcscale;
using smcscale::test::load_recording;

namespace {

SmcrDevice device_with(unsigned pairs, std::vector<uint32_t> send_loads, std::vector<uint32_t> recv_loads)
{
	SmcrDevice d;
	d.ib_name = "mlx5_0";
	d.comp_vectors = 8;
	d.cq_pairs = pairs;
	for (unsigned i = 0; i < send_loads.size(); i++)
		d.cqs.push_back({true, i, i, 1000, 50 * send_loads[i], send_loads[i], 10});
	for (unsigned i = 0; i < recv_loads.size(); i++)
		d.cqs.push_back({false, i, pairs - 1 - i, 1000, 48 * recv_loads[i], recv_loads[i], 10});
	return d;
}

// Links on "mlx5_0" bound as given: pairs of (send cq, recv cq).
LinkDump links_on(std::vector<std::pair<uint32_t, uint32_t>> bindings)
{
	LinkDump dump;
	uint32_t id = 0;
	for (auto [s, r] : bindings) {
		Link l;
		l.lgr_id = ++id;
		l.link_id = 1;
		l.ib_device = "mlx5_0";
		l.send_cq = s;
		l.recv_cq = r;
		dump.links.push_back(l);
	}
	return dump;
}

// A copy: the report is often a temporary.
std::optional<CqCheck> find(const CqBalanceReport &r, const std::string &name)
{
	for (const CqCheck &c : r.devices.at(0).checks)
		if (c.name == name)
			return c;
	return std::nullopt;
}

CqBalanceOptions cpus(unsigned n)
{
	CqBalanceOptions o;
	o.online_cpus = n;
	return o;
}

} // namespace

TEST(CqRecording, DeviceAndLinkAttributes)
{
	auto rec = load_recording("smcr-cqs-client-6.1.rec");
	const std::vector<SmcrDevice> devices = parse_smcr_devices(rec["device"]);
	ASSERT_EQ(devices.size(), 1u);
	const SmcrDevice &d = devices[0];
	EXPECT_EQ(d.ib_name, "rxe0");
	ASSERT_TRUE(d.reports_cqs());
	EXPECT_EQ(d.comp_vectors.value_or(0), 2u);
	EXPECT_EQ(*d.cq_pairs, 2u);
	ASSERT_EQ(d.cqs.size(), 4u);
	for (const SmcrCq &cq : d.cqs) {
		EXPECT_EQ(cq.entries, 16383u); // 32766 shared by two pairs
		EXPECT_EQ(cq.load, 1u);
		EXPECT_EQ(cq.reserved, cq.send ? 50u : 48u);
		EXPECT_GT(cq.completions, 0u);
	}
	// send cq i on vector i, recv cq i on vector n-1-i
	EXPECT_TRUE(d.cqs[0].send);
	EXPECT_EQ(d.cqs[0].vector, 0u);
	EXPECT_FALSE(d.cqs[1].send);
	EXPECT_EQ(d.cqs[1].vector, 1u);

	LinkDump links = parse_link_dump(rec["link"]);
	ASSERT_EQ(links.groups.size(), 2u);
	ASSERT_EQ(links.links.size(), 2u);
	EXPECT_NE(*links.links[0].send_cq, *links.links[1].send_cq);
	EXPECT_NE(*links.links[0].recv_cq, *links.links[1].recv_cq);
	for (const Link &l : links.links) {
		EXPECT_GT(l.qpn.value_or(0), 0u) << "link " << int(l.link_id) << " of group " << l.lgr_id;
		EXPECT_GT(l.peer_qpn.value_or(0), 0u) << "link " << int(l.link_id) << " of group " << l.lgr_id;
	}

	CqBalanceOptions o = cpus(2);
	o.require_completions = true;
	CqBalanceReport r = check_cq_balance({d}, links, o);
	EXPECT_TRUE(r.cq_attributes);
	EXPECT_TRUE(r.passed());
	std::ostringstream out;
	render_cq_balance(out, r);
	EXPECT_NE(out.str().find("ok   rxe0 balanced load: 2 link(s) on 2 pair(s): every load is 1"),
		  std::string::npos)
		<< out.str();
}

TEST(CqRecording, CqOfADeviceTheDumpDoesNotListIsAnError)
{
	auto rec = load_recording("smcr-cqs-client-6.1.rec");
	std::vector<NetlinkMessage> cqs_only;
	for (const NetlinkMessage &m : rec["device"])
		if (genl_command(m) == SMC_NETLINK_GET_CQ_SMCR)
			cqs_only.push_back(m);
	ASSERT_EQ(cqs_only.size(), 4u);
	try {
		parse_smcr_devices(cqs_only);
		FAIL() << "CQs without their device were accepted";
	} catch (const Error &e) {
		EXPECT_NE(std::string(e.what()).find("SMC-R CQ of device rxe0, which the device dump does not list"),
			  std::string::npos)
			<< e.what();
	}
}

TEST(CqRecording, StockKernelHasNoCqAttributes)
{
	auto rec = load_recording("smcr-client-6.1.rec");
	SmcrDevice d = parse_smcr_device(rec["device"][0]);
	EXPECT_FALSE(d.reports_cqs());
	LinkDump links = parse_link_dump(rec["link"]);
	EXPECT_FALSE(links.links[0].send_cq.has_value());
	CqBalanceReport r = check_cq_balance({d}, links, cpus(2));
	EXPECT_FALSE(r.cq_attributes);
	EXPECT_FALSE(r.passed());
	EXPECT_TRUE(r.devices.empty());
}

TEST(CqBalance, BalancedLoadsPass)
{
	// 5 links on 2 pairs: loads 3/2 and 2/3 are floor and ceil of 2.5.
	SmcrDevice d = device_with(2, {3, 2}, {2, 3});
	auto links = links_on({{0, 1}, {0, 1}, {0, 0}, {1, 1}, {1, 0}});
	CqBalanceReport r = check_cq_balance({d}, links, cpus(2));
	EXPECT_TRUE(r.passed()) << cq_balance_json(r).dump(2);
}

TEST(CqBalance, UnbalancedLoadFails)
{
	SmcrDevice d = device_with(2, {2, 0}, {1, 1});
	auto links = links_on({{0, 0}, {0, 1}});
	CqBalanceReport r = check_cq_balance({d}, links, cpus(2));
	EXPECT_FALSE(r.passed());
	auto c = find(r, "balanced load");
	ASSERT_TRUE(c.has_value());
	EXPECT_FALSE(c->passed);
	EXPECT_NE(c->detail.find("send cq 0 has 2 link(s)"), std::string::npos) << c->detail;
	EXPECT_TRUE(find(r, "link bindings")->passed);
}

TEST(CqBalance, CountFollowsVectorsCpusAndCap)
{
	SmcrDevice d = device_with(4, {0, 0, 0, 0}, {0, 0, 0, 0});
	EXPECT_TRUE(find(check_cq_balance({d}, links_on({}), cpus(4)), "cq count")->passed);
	EXPECT_FALSE(find(check_cq_balance({d}, links_on({}), cpus(2)), "cq count")->passed);
	EXPECT_FALSE(find(check_cq_balance({d}, links_on({}), cpus(16)), "cq count")->passed);
	CqBalanceOptions capped = cpus(16);
	capped.max_pairs = 4;
	EXPECT_TRUE(find(check_cq_balance({d}, links_on({}), capped), "cq count")->passed);
}

TEST(CqBalance, TruncatedTableFailsTheCount)
{
	SmcrDevice d = device_with(2, {}, {});
	auto c = find(check_cq_balance({d}, links_on({}), cpus(2)), "cq count");
	EXPECT_FALSE(c->passed);
	EXPECT_NE(c->detail.find("the CQ table has 0 entries"), std::string::npos);
}

TEST(CqBalance, SharedVectorFails)
{
	SmcrDevice d = device_with(2, {0, 0}, {0, 0});
	d.cqs[1].vector = 0; // both send cqs on vector 0
	auto c = find(check_cq_balance({d}, links_on({}), cpus(2)), "distinct vectors");
	EXPECT_FALSE(c->passed);
	EXPECT_NE(c->detail.find("send vector 0 used twice"), std::string::npos) << c->detail;
	d.cqs[1].vector = 9; // beyond the device's 8 vectors
	c = find(check_cq_balance({d}, links_on({}), cpus(2)), "distinct vectors");
	EXPECT_FALSE(c->passed);
}

TEST(CqBalance, BindingsMustMatchLoads)
{
	SmcrDevice d = device_with(2, {1, 1}, {1, 1});
	auto links = links_on({{0, 0}, {0, 1}}); // send cq 1 has load 1 but no link names it
	auto c = find(check_cq_balance({d}, links, cpus(2)), "link bindings");
	EXPECT_FALSE(c->passed);
	links = links_on({{0, 0}, {5, 1}}); // a cq that does not exist
	c = find(check_cq_balance({d}, links, cpus(2)), "link bindings");
	EXPECT_FALSE(c->passed);
	EXPECT_NE(c->detail.find("does not exist"), std::string::npos) << c->detail;
}

TEST(CqBalance, IdleCqWithLinksFailsOnlyWhenCompletionsRequired)
{
	SmcrDevice d = device_with(2, {1, 1}, {1, 1});
	d.cqs[2].completions = 0;
	auto links = links_on({{0, 0}, {1, 1}});
	EXPECT_TRUE(check_cq_balance({d}, links, cpus(2)).passed());
	CqBalanceOptions o = cpus(2);
	o.require_completions = true;
	CqBalanceReport r = check_cq_balance({d}, links, o);
	EXPECT_FALSE(r.passed());
	EXPECT_NE(find(r, "completions")->detail.find("recv cq 0"), std::string::npos);
}

TEST(CqBalance, ReservedEntriesWithinSizeAndOnlyForLinks)
{
	SmcrDevice d = device_with(2, {1, 0}, {1, 0});
	auto links = links_on({{0, 0}});
	EXPECT_TRUE(find(check_cq_balance({d}, links, cpus(2)), "cq entries")->passed);
	d.cqs[0].reserved = 1001; // more than its 1000 entries
	auto c = find(check_cq_balance({d}, links, cpus(2)), "cq entries");
	EXPECT_FALSE(c->passed);
	EXPECT_NE(c->detail.find("send cq 0 keeps 1001 of 1000 entries"), std::string::npos) << c->detail;
	d.cqs[0].reserved = 50;
	d.cqs[1].reserved = 50; // send cq 1 has no link
	c = find(check_cq_balance({d}, links, cpus(2)), "cq entries");
	EXPECT_FALSE(c->passed);
	EXPECT_NE(c->detail.find("send cq 1 keeps 50 entries for 0 link(s)"), std::string::npos) << c->detail;
}

TEST(CqBalance, DeviceWithoutLinksHasNoCqsYet)
{
	SmcrDevice d = device_with(0, {}, {});
	CqBalanceReport r = check_cq_balance({d}, links_on({}), cpus(2));
	EXPECT_TRUE(r.passed());
	auto links = links_on({{0, 0}});
	EXPECT_FALSE(check_cq_balance({d}, links, cpus(2)).passed());
}
