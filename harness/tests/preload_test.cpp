// SPDX-License-Identifier: GPL-2.0
// smc-run / libsmc-preload.so: the conversion rules, and the library preloaded into a
// real program. Without the smc module (as on a build host) the converted socket()
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
	const auto smc = by_case(run(SMCSCALE_BUILD_DIR "/smc-run " + probe));
	ASSERT_EQ(smc.size(), 4u) << "smc-run did not run the probe";
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

TEST(Preload, WrapperUsage)
{
	EXPECT_NE(run(SMCSCALE_BUILD_DIR "/smc-run 2>&1; echo status=$?").find("status=2"), std::string::npos);
	EXPECT_NE(run(SMCSCALE_BUILD_DIR "/smc-run no-such-program-xyz 2>&1; echo status=$?").find("status=127"),
		  std::string::npos);
}
