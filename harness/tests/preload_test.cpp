// SPDX-License-Identifier: GPL-2.0
// smcscale-run / libsmcscale-preload.so: the conversion rules, smc_run's options, and
// the library preloaded into a real program. Without the smc module (as on a build host) the converted socket()
// fails with EAFNOSUPPORT, which proves the conversion as well as an AF_SMC socket
// would; the guest tests run it against a real SMC-R peer.
#include "smc_socket_rules.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>

using namespace smcscale;

TEST(PreloadRules, TcpBecomesSmc)
{
	auto v4 = smc_socket_args(AF_INET, SOCK_STREAM, 0);
	ASSERT_TRUE(v4);
	EXPECT_EQ(v4->domain, AF_SMC);
	EXPECT_EQ(v4->protocol, 0); // SMCPROTO_SMC
	auto v6 = smc_socket_args(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	ASSERT_TRUE(v6);
	EXPECT_EQ(v6->protocol, 1); // SMCPROTO_SMC6
	EXPECT_EQ(v6->type, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC);
}

TEST(PreloadRules, EverythingElseIsLeftAlone)
{
	EXPECT_FALSE(smc_socket_args(AF_INET, SOCK_DGRAM, 0));
	EXPECT_FALSE(smc_socket_args(AF_INET, SOCK_SEQPACKET, 0));
	EXPECT_FALSE(smc_socket_args(AF_UNIX, SOCK_STREAM, 0));
	EXPECT_FALSE(smc_socket_args(AF_SMC, SOCK_STREAM, 0));
	EXPECT_FALSE(smc_socket_args(AF_INET, SOCK_STREAM, 132)); // SCTP
	EXPECT_FALSE(smc_socket_args(AF_INET, SOCK_STREAM, 262)); // MPTCP
	EXPECT_FALSE(smc_socket_args(AF_INET, SOCK_RAW, IPPROTO_TCP));
}

namespace {

std::string run(const std::string &cmd)
{
	std::unique_ptr<FILE, int (*)(FILE *)> p(popen(cmd.c_str(), "r"), pclose);
	std::string out;
	std::array<char, 4096> buf;
	for (size_t n; p && (n = fread(buf.data(), 1, buf.size(), p.get())) > 0;)
		out.append(buf.data(), n);
	return out;
}

std::map<std::string, std::multiset<std::string>> by_case(const std::string &out)
{
	std::map<std::string, std::multiset<std::string>> m;
	std::istringstream in(out);
	for (std::string name, rest; in >> name && std::getline(in, rest);)
		m[name].insert(rest);
	return m;
}

} // namespace

TEST(Preload, ConvertsTcpSocketsOfARealProgram)
{
	const std::string probe = SMCSCALE_BUILD_DIR "/tests/preload_probe";
	const auto plain = by_case(run(probe));
	const auto smc = by_case(run(SMCSCALE_BUILD_DIR "/smcscale-run " + probe));
	ASSERT_EQ(smc.size(), 4u) << "smcscale-run did not run the probe";
	// Without preloading, TCP sockets are AF_INET/AF_INET6 as asked.
	EXPECT_EQ(plain.at("tcp4").count(" domain=2 cloexec=1 nonblock=0"), 8u);
	// With it, all eight racing threads got AF_SMC (or AF_SMC's EAFNOSUPPORT on a host
	// without the smc module), with the flags kept.
	for (const char *c : {"tcp4", "tcp6"}) {
		const auto &results = smc.at(c);
		const std::string want = std::string(" domain=43 cloexec=") + (c[3] == '4' ? "1 nonblock=0" : "0 nonblock=1");
		const size_t smc_ok = results.count(want);
		const size_t no_smc = results.count(" errno=97"); // EAFNOSUPPORT
		EXPECT_EQ(smc_ok + no_smc, 8u) << c;
		EXPECT_TRUE(smc_ok == 8 || no_smc == 8) << c << ": threads disagree";
	}
	// UDP and UNIX sockets are untouched.
	EXPECT_EQ(smc.at("udp4"), plain.at("udp4"));
	EXPECT_EQ(smc.at("unix"), plain.at("unix"));
}

TEST(Preload, WrapperTakesSmcRunsOptions)
{
	const std::string w = SMCSCALE_BUILD_DIR "/smcscale-run";
	auto status = [&](const std::string &args) { return run(w + " " + args + " >/dev/null 2>&1; echo $?"); };
	EXPECT_EQ(status(""), "1\n") << "no command";
	EXPECT_EQ(status("no-such-program-xyz"), "127\n");
	EXPECT_EQ(status("-x true"), "1\n") << "an unknown option";
	EXPECT_EQ(status("-r 12q true"), "1\n") << "a bad size";
	EXPECT_EQ(status("-t"), "1\n") << "-t without a size";
	EXPECT_EQ(status("-h"), "0\n");
	EXPECT_NE(run(w + " -v").find("smcscale-run (smc-scale "), std::string::npos);
	EXPECT_NE(run(w + " -r 12q true 2>&1").find("invalid buffer size '12q'"), std::string::npos);
	// smc_run's options become smc_run's variables for the library (sizes as given;
	// 1k stays under any net.core.*_max, so nothing needs raising)
	EXPECT_EQ(run(w + " -d -r 1k -t 2K sh -c 'echo $SMC_DEBUG $SMC_RCVBUF $SMC_SNDBUF'"), "1 1k 2K\n");
	EXPECT_EQ(run("SMC_DEBUG=1 " + w + " sh -c 'echo $SMC_DEBUG'"), "1\n");
	// a command's own options are its own
	EXPECT_EQ(run(w + " echo -r -d"), "-r -d\n");
}

TEST(Preload, DebugLogsEachConvertedSocket)
{
	const std::string probe = SMCSCALE_BUILD_DIR "/tests/preload_probe --buffers";
	const std::string out = run(SMCSCALE_BUILD_DIR "/smcscale-run -d " + probe + " 2>&1");
	EXPECT_NE(out.find("libsmcscale-preload: socket(2, 0x1, 0) -> AF_SMC"), std::string::npos) << out;
	const std::string bad = run("SMC_SNDBUF=lots " SMCSCALE_BUILD_DIR "/smcscale-run " + probe + " 2>&1");
	// without the smc module the socket fails before any size is set; with it, the
	// malformed size is named (the guest tests check the sizes on AF_SMC sockets)
	EXPECT_TRUE(bad.find("errno=97") != std::string::npos ||
		    bad.find("ignoring SMC_SNDBUF='lots'") != std::string::npos)
		<< bad;
}
