// SPDX-License-Identifier: GPL-2.0
// smcctl: SMC's generic-netlink interface and smc_diag from the command line (the parts
// of smc-tools' smcr, smcd ueid, smc_pnet and smcss that the testbed and users need),
// with smcr's column names and words.
#include "args.hpp"
#include "error.hpp"
#include "genl_socket.hpp"
#include "json_document.hpp"
#include "smc_diag.hpp"
#include "smc_json.hpp"
#include "smc_netlink.hpp"
#include "smc_render.hpp"

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>

using namespace smcscale;

namespace {

const char *kSynopsis = R"([-j] [-d|-dd] [--record FILE] COMMAND [ARGS]

commands:
  info                          SMC version and capabilities
  device                        SMC-R devices and their ports (-d: PCI ids and the
                                CQ table of the CQ-spreading series)
  linkgroup                     SMC-R link groups (-d: version, peer host, EID)
  link                          SMC-R links, with their link group and CQs (-d: UIDs
                                and GIDs), like 'smcr linkgroup link-show'
  stats                         SMC statistics since the smc module was loaded
                                (successful handshakes, bytes), like 'smcr -a stats'
  fallback                      fallbacks to TCP since the module was loaded, in total
                                and by reason (SMC_CLC_DECL_* name and meaning)
  state                         device, linkgroup, link, stats and fallback at once
  sockets                       SMC sockets over smc_diag, like smcss: SMCR, SMCD or
                                TCP with the fallback reason (-d: the link used)
  ueid [show]                   the user-defined EID table
  ueid add|del UEID             add or remove a UEID (A-Z 0-9 . -, up to 32)
  ueid flush                    empty the UEID table
  pnet [show]                   the PNET table
  pnet add PNETID --eth NETDEV  map a network device to a PNET ID
  pnet add PNETID --ib DEV [--port N]
                                map an RDMA device port (default 1) to a PNET ID
  pnet del PNETID               remove every entry of a PNET ID
  pnet flush                    empty the PNET table)";

struct Options {
	bool json = false;
	int detail = 0;
	std::string record;
	std::string eth;
	std::string ib;
	uint8_t port = 1;
};

void need_args(const std::vector<std::string> &args, size_t n, const std::string &usage)
{
	if (args.size() != n)
		throw UsageError("expected: smcctl " + usage);
}

// A table, or a JSON document of kind "smcctl.<what>" (arrays under 'key').
template <typename T>
void emit(const Options &opt, const std::string &what, const std::string &key, const T &value,
	  const std::function<void(std::ostream &, const T &)> &render)
{
	if (opt.json)
		std::cout << json_document("smcctl." + what, nlohmann::json(value), key).dump(2) << "\n";
	else
		render(std::cout, value);
}

int run_sockets(const Options &opt, const std::vector<std::string> &args)
{
	need_args(args, 1, "sockets");
	const auto sockets = dump_smc_sockets();
	if (opt.json)
		std::cout << json_document("smcctl.sockets", nlohmann::json(sockets), "sockets").dump(2) << "\n";
	else
		render_sockets(std::cout, sockets, opt.detail);
	return 0;
}

int run(const Options &opt, const std::vector<std::string> &args)
{
	if (args[0] == "sockets" || args[0] == "socket")
		return run_sockets(opt, args);
	GenlSocket sock;
	std::ofstream record;
	if (!opt.record.empty()) {
		record.open(opt.record, std::ios::app);
		if (!record)
			throw Error("cannot open record file " + opt.record);
		// One line per received message: command, then the message in hex.
		sock.set_recorder([&record](uint8_t cmd, const NetlinkMessage &m) {
			record << unsigned(cmd) << ' ';
			char hex[3];
			for (uint8_t b : m.bytes) {
				std::snprintf(hex, sizeof(hex), "%02x", b);
				record << hex;
			}
			record << '\n';
		});
	}
	SmcNetlink smc(sock);
	const std::string &cmd = args[0];
	const std::string sub = args.size() > 1 ? args[1] : "show";

	if (cmd == "info") {
		need_args(args, 1, "info");
		emit<SysInfo>(opt, "info", "", smc.sys_info(), render_sys_info);
	} else if (cmd == "device" || cmd == "dev") {
		need_args(args, 1, "device");
		emit<std::vector<SmcrDevice>>(opt, "device", "devices", smc.smcr_devices(),
					      [&](std::ostream &o, const auto &v) { render_devices(o, v, opt.detail); });
	} else if (cmd == "linkgroup" || cmd == "lgr") {
		need_args(args, 1, "linkgroup");
		emit<std::vector<LinkGroup>>(opt, "linkgroup", "linkgroups", smc.link_groups(),
					     [&](std::ostream &o, const auto &v) { render_link_groups(o, v, opt.detail); });
	} else if (cmd == "link") {
		need_args(args, 1, "link");
		const LinkDump dump = smc.links();
		if (opt.json)
			std::cout << json_document("smcctl.link", nlohmann::json(dump.links), "links").dump(2) << "\n";
		else
			render_links(std::cout, dump, opt.detail);
	} else if (cmd == "stats") {
		need_args(args, 1, "stats");
		emit<Stats>(opt, "stats", "", smc.stats(), render_stats);
	} else if (cmd == "fallback") {
		need_args(args, 1, "fallback");
		emit<FallbackStats>(opt, "fallback", "", smc.fallback_stats(), render_fallbacks);
	} else if (cmd == "state") {
		// everything at one moment, in one process (a benchmark records it per phase)
		need_args(args, 1, "state");
		const auto devices = smc.smcr_devices();
		const LinkDump dump = smc.links();
		const Stats stats = smc.stats();
		const FallbackStats fallbacks = smc.fallback_stats();
		if (opt.json) {
			std::cout << json_document("smcctl.state", {{"devices", devices},
								    {"linkgroups", dump.groups},
								    {"links", dump.links},
								    {"stats", stats},
								    {"fallback", fallbacks}})
					     .dump(2)
				  << "\n";
		} else {
			render_devices(std::cout, devices, opt.detail);
			std::cout << "\n";
			render_link_groups(std::cout, dump.groups, opt.detail);
			std::cout << "\n";
			render_links(std::cout, dump, opt.detail);
			std::cout << "\n";
			render_stats(std::cout, stats);
			std::cout << "\n";
			render_fallbacks(std::cout, fallbacks);
		}
	} else if (cmd == "ueid") {
		if (sub == "show") {
			auto ueids = smc.ueids();
			if (opt.json)
				std::cout << json_document("smcctl.ueid", nlohmann::json(ueids), "ueids").dump(2) << "\n";
			else
				for (const auto &u : ueids)
					std::cout << u << "\n";
		} else if (sub == "add") {
			need_args(args, 3, "ueid add UEID");
			smc.add_ueid(args[2]);
		} else if (sub == "del") {
			need_args(args, 3, "ueid del UEID");
			smc.remove_ueid(args[2]);
		} else if (sub == "flush") {
			need_args(args, 2, "ueid flush");
			smc.flush_ueids();
		} else {
			throw UsageError("unknown ueid command '" + sub + "'");
		}
	} else if (cmd == "pnet") {
		if (sub == "show") {
			emit<std::vector<PnetEntry>>(opt, "pnet", "entries", smc.pnet_entries(), render_pnet);
		} else if (sub == "add") {
			need_args(args, 3, "pnet add PNETID --eth NETDEV | --ib DEV [--port N]");
			if (opt.eth.empty() == opt.ib.empty())
				throw UsageError("pnet add needs exactly one of --eth and --ib");
			if (!opt.eth.empty())
				smc.pnet_add_eth(args[2], opt.eth);
			else
				smc.pnet_add_ib(args[2], opt.ib, opt.port);
		} else if (sub == "del") {
			need_args(args, 3, "pnet del PNETID");
			smc.pnet_remove(args[2]);
		} else if (sub == "flush") {
			need_args(args, 2, "pnet flush");
			smc.pnet_flush();
		} else {
			throw UsageError("unknown pnet command '" + sub + "'");
		}
	} else {
		throw UsageError("unknown command '" + cmd + "'");
	}
	return 0;
}


} // namespace

int main(int argc, char **argv)
{
	Options opt;
	ArgParser parser("smcctl", kSynopsis);
	parser.flag("-j,--json", "print JSON instead of a table", [&] { opt.json = true; });
	parser.flag("-d,--details", "print details (wide columns, the CQ table)", [&] { opt.detail = std::max(opt.detail, 1); });
	parser.flag("-dd,--ddetails", "print more details (as -d here)", [&] { opt.detail = 2; });
	parser.option("--record", "FILE", "append every netlink reply (hex) to FILE",
		      [&](const std::string &v) { opt.record = v; });
	parser.option("--eth", "NETDEV", "pnet add: the network device",
		      [&](const std::string &v) { opt.eth = v; });
	parser.option("--ib", "DEV", "pnet add: the RDMA device", [&](const std::string &v) { opt.ib = v; });
	parser.option("--port", "N", "pnet add: the RDMA device port (1 or 2)", [&](const std::string &v) {
		opt.port = static_cast<uint8_t>(parse_integer("--port", v, 1, 2));
	});
	try {
		auto args = parser.parse(argc, argv);
		if (parser.handle_help_and_version(std::cout))
			return 0;
		if (args.empty())
			throw UsageError("no command given");
		return run(opt, args);
	} catch (const UsageError &e) {
		std::cerr << "smcctl: " << e.what() << "\n" << "see 'smcctl --help'\n";
		return 2;
	} catch (const std::exception &e) {
		std::cerr << "smcctl: " << e.what() << "\n";
		return 1;
	}
}
