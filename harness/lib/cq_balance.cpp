// SPDX-License-Identifier: GPL-2.0
#include "cq_balance.hpp"

#include "json_document.hpp"

#include "smc_json.hpp"
#include "table.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace smcscale {

namespace {

std::string join(const std::vector<std::string> &parts)
{
	std::string out;
	for (const auto &p : parts)
		out += (out.empty() ? "" : "; ") + p;
	return out;
}

const char *dir_name(bool send)
{
	return send ? "send" : "recv";
}

CqCheck check_count(const SmcrDevice &d, const CqBalanceOptions &opt)
{
	unsigned expect = std::min(d.comp_vectors.value_or(0), opt.online_cpus);
	if (opt.max_pairs)
		expect = std::min(expect, *opt.max_pairs);
	expect = std::max(expect, 1u);
	const unsigned pairs = *d.cq_pairs;
	std::ostringstream detail;
	detail << pairs << " pair(s); expected min(" << d.comp_vectors.value_or(0) << " vectors, "
	       << opt.online_cpus << " online CPUs";
	if (opt.max_pairs)
		detail << ", cap " << *opt.max_pairs;
	detail << ") = " << expect;
	bool ok = pairs == expect;
	if (d.cqs.size() != 2 * pairs) {
		ok = false;
		detail << "; the CQ table has " << d.cqs.size() << " entries, not " << 2 * pairs;
	}
	return {"cq count", ok, detail.str()};
}

CqCheck check_vectors(const SmcrDevice &d)
{
	std::vector<std::string> problems;
	for (bool send : {true, false}) {
		std::set<uint32_t> seen;
		for (const SmcrCq &cq : d.cqs) {
			if (cq.send != send)
				continue;
			if (!seen.insert(cq.vector).second)
				problems.push_back(std::string(dir_name(send)) + " vector " +
						   std::to_string(cq.vector) + " used twice");
			if (d.comp_vectors && cq.vector >= *d.comp_vectors)
				problems.push_back(std::string(dir_name(send)) + " cq " + std::to_string(cq.index) +
						   " on vector " + std::to_string(cq.vector) + " >= " +
						   std::to_string(*d.comp_vectors));
		}
	}
	return {"distinct vectors", problems.empty(),
		problems.empty() ? "every cq of a direction on its own vector" : join(problems)};
}

CqCheck check_load(const SmcrDevice &d, size_t links)
{
	const size_t n = *d.cq_pairs;
	const size_t low = links / n, high = (links + n - 1) / n;
	std::vector<std::string> problems;
	for (bool send : {true, false}) {
		size_t sum = 0;
		for (const SmcrCq &cq : d.cqs) {
			if (cq.send != send)
				continue;
			sum += cq.load;
			if (cq.load < low || cq.load > high)
				problems.push_back(std::string(dir_name(send)) + " cq " + std::to_string(cq.index) +
						   " has " + std::to_string(cq.load) + " link(s)");
		}
		if (sum != links)
			problems.push_back(std::string(dir_name(send)) + " loads add up to " + std::to_string(sum) +
					   ", not " + std::to_string(links));
	}
	std::ostringstream ok;
	ok << links << " link(s) on " << n << " pair(s): every load is " << low << (low == high ? "" : " or ")
	   << (low == high ? "" : std::to_string(high));
	return {"balanced load", problems.empty(), problems.empty() ? ok.str() : join(problems)};
}

CqCheck check_bindings(const SmcrDevice &d, const std::vector<Link> &links)
{
	std::map<std::pair<bool, uint32_t>, uint32_t> bound;
	std::vector<std::string> problems;
	for (const Link &l : links) {
		if (!l.send_cq || !l.recv_cq) {
			problems.push_back("link " + std::to_string(l.link_id) + " of group " + std::to_string(l.lgr_id) +
					   " reports no cq indices");
			continue;
		}
		bound[{true, *l.send_cq}]++;
		bound[{false, *l.recv_cq}]++;
	}
	for (const SmcrCq &cq : d.cqs) {
		const uint32_t n = bound[{cq.send, cq.index}];
		if (n != cq.load)
			problems.push_back(std::string(dir_name(cq.send)) + " cq " + std::to_string(cq.index) + ": load " +
					   std::to_string(cq.load) + " but " + std::to_string(n) + " link(s) name it");
	}
	for (const auto &[key, n] : bound) {
		if (key.second >= *d.cq_pairs)
			problems.push_back(std::to_string(n) + " link(s) name " + dir_name(key.first) + " cq " +
					   std::to_string(key.second) + ", which does not exist");
	}
	return {"link bindings", problems.empty(),
		problems.empty() ? "the links' cq indices match the cq loads" : join(problems)};
}

// A cq never promises more entries than it has, and keeps entries exactly while
// links use it.
CqCheck check_reservations(const SmcrDevice &d)
{
	std::vector<std::string> problems;
	for (const SmcrCq &cq : d.cqs) {
		const std::string name = std::string(dir_name(cq.send)) + " cq " + std::to_string(cq.index);
		if (cq.reserved > cq.entries)
			problems.push_back(name + " keeps " + std::to_string(cq.reserved) + " of " +
					   std::to_string(cq.entries) + " entries");
		if ((cq.reserved == 0) != (cq.load == 0))
			problems.push_back(name + " keeps " + std::to_string(cq.reserved) + " entries for " +
					   std::to_string(cq.load) + " link(s)");
	}
	return {"cq entries", problems.empty(),
		problems.empty() ? "every cq keeps entries for its links only, within its size" : join(problems)};
}

CqCheck check_completions(const SmcrDevice &d)
{
	std::vector<std::string> idle;
	for (const SmcrCq &cq : d.cqs)
		if (cq.load > 0 && cq.completions == 0)
			idle.push_back(std::string(dir_name(cq.send)) + " cq " + std::to_string(cq.index));
	return {"completions", idle.empty(),
		idle.empty() ? "every cq with links has handled completions"
			     : "no completions on " + join(idle) + ", which have links"};
}

} // namespace

bool DeviceCqReport::passed() const
{
	return std::all_of(checks.begin(), checks.end(), [](const CqCheck &c) { return c.passed; });
}

bool CqBalanceReport::passed() const
{
	return cq_attributes && !devices.empty() &&
	       std::all_of(devices.begin(), devices.end(), [](const DeviceCqReport &d) { return d.passed(); });
}

CqBalanceReport check_cq_balance(const std::vector<SmcrDevice> &devices, const LinkDump &links,
				 const CqBalanceOptions &options)
{
	CqBalanceReport report;
	report.options = options;
	for (const SmcrDevice &d : devices) {
		if (!d.reports_cqs())
			continue;
		report.cq_attributes = true;
		DeviceCqReport r;
		r.device = d;
		for (const Link &l : links.links)
			if (l.ib_device == d.ib_name)
				r.links.push_back(l);
		if (*d.cq_pairs == 0) {
			r.checks.push_back({"cqs created", r.links.empty(),
					    r.links.empty() ? "no link has used the device yet, so it has no cqs"
							    : "links use the device, but it reports no cqs"});
		} else {
			r.checks.push_back(check_count(d, options));
			r.checks.push_back(check_vectors(d));
			r.checks.push_back(check_load(d, r.links.size()));
			r.checks.push_back(check_bindings(d, r.links));
			r.checks.push_back(check_reservations(d));
			if (options.require_completions)
				r.checks.push_back(check_completions(d));
		}
		report.devices.push_back(std::move(r));
	}
	return report;
}

void render_cq_balance(std::ostream &out, const CqBalanceReport &report)
{
	Table t({"IB-Dev", "Dir", "CQ", "Vector", "#Entries", "#Reserved", "#Links", "Completions"});
	for (const DeviceCqReport &r : report.devices)
		for (const SmcrCq &cq : r.device.cqs)
			t.add({r.device.ib_name, dir_name(cq.send), std::to_string(cq.index), std::to_string(cq.vector),
			       std::to_string(cq.entries), std::to_string(cq.reserved), std::to_string(cq.load),
			       std::to_string(cq.completions)});
	t.print(out);
	for (const DeviceCqReport &r : report.devices)
		for (const CqCheck &c : r.checks)
			out << (c.passed ? "ok   " : "FAIL ") << r.device.ib_name << " " << c.name << ": " << c.detail
			    << "\n";
}

nlohmann::json cq_balance_json(const CqBalanceReport &report)
{
	nlohmann::json devices = nlohmann::json::array();
	for (const DeviceCqReport &r : report.devices) {
		nlohmann::json checks = nlohmann::json::array();
		for (const CqCheck &c : r.checks)
			checks.push_back({{"name", c.name}, {"passed", c.passed}, {"detail", c.detail}});
		devices.push_back({{"device", r.device}, {"links", r.links}, {"checks", checks}, {"passed", r.passed()}});
	}
	nlohmann::json opts = {{"online_cpus", report.options.online_cpus},
			       {"require_completions", report.options.require_completions}};
	if (report.options.max_pairs)
		opts["max_pairs"] = *report.options.max_pairs;
	return json_document("smc-cq-balance.report", {{"tool", "smc-cq-balance"},
							{"options", opts},
							{"cq_attributes", report.cq_attributes},
							{"devices", devices},
							{"passed", report.passed()}});
}

} // namespace smcscale
