// SPDX-License-Identifier: GPL-2.0
#include "args.hpp"

#include <gtest/gtest.h>

using namespace smcscale;

namespace {

std::vector<std::string> parse(ArgParser &p, std::vector<std::string> words)
{
	std::vector<char *> argv{const_cast<char *>("prog")};
	for (auto &w : words)
		argv.push_back(w.data());
	return p.parse(static_cast<int>(argv.size()), argv.data());
}

} // namespace

TEST(Args, OptionsFlagsAndPositionals)
{
	std::string host;
	bool json = false;
	ArgParser p("prog", "[options] CMD");
	p.option("--host", "ADDR", "peer", [&](const std::string &v) { host = v; });
	p.flag("--json", "json", [&] { json = true; });
	auto pos = parse(p, {"run", "--host", "10.0.0.1", "--json", "x"});
	EXPECT_EQ(host, "10.0.0.1");
	EXPECT_TRUE(json);
	EXPECT_EQ(pos, (std::vector<std::string>{"run", "x"}));
}

TEST(Args, InlineValueAndDoubleDash)
{
	std::string host;
	ArgParser p("prog", "");
	p.option("--host", "ADDR", "peer", [&](const std::string &v) { host = v; });
	auto pos = parse(p, {"--host=h1", "--", "--host"});
	EXPECT_EQ(host, "h1");
	EXPECT_EQ(pos, (std::vector<std::string>{"--host"}));
}

TEST(Args, UnknownOptionNamesIt)
{
	ArgParser p("prog", "");
	try {
		parse(p, {"--bogus"});
		FAIL() << "no error";
	} catch (const UsageError &e) {
		EXPECT_STREQ(e.what(), "unknown option '--bogus'");
	}
}

TEST(Args, MissingValueAndFlagWithValue)
{
	ArgParser p("prog", "");
	p.option("--port", "N", "port", [](const std::string &) {});
	p.flag("--json", "json", [] {});
	EXPECT_THROW(parse(p, {"--port"}), UsageError);
	EXPECT_THROW(parse(p, {"--json=1"}), UsageError);
}

TEST(Args, HelpIsReported)
{
	ArgParser p("prog", "CMD");
	p.flag("--json", "print JSON", [] {});
	parse(p, {"-h"});
	EXPECT_TRUE(p.help_requested());
	EXPECT_NE(p.usage().find("--json"), std::string::npos);
	EXPECT_NE(p.usage().find("usage: prog CMD"), std::string::npos);
}

TEST(Args, Integers)
{
	EXPECT_EQ(parse_integer("--n", "42", 1, 100), 42);
	EXPECT_THROW(parse_integer("--n", "0", 1, 100), UsageError);
	EXPECT_THROW(parse_integer("--n", "101", 1, 100), UsageError);
	EXPECT_THROW(parse_integer("--n", "4x", 1, 100), UsageError);
	EXPECT_THROW(parse_integer("--n", "", 1, 100), UsageError);
	EXPECT_THROW(parse_integer("--n", "99999999999999999999", 1, 100), UsageError);
}

TEST(Args, Sizes)
{
	EXPECT_EQ(parse_size("--s", "64", 1, 1 << 30), 64u);
	EXPECT_EQ(parse_size("--s", "4K", 1, 1 << 30), 4096u);
	EXPECT_EQ(parse_size("--s", "2m", 1, 1 << 30), 2u << 20);
	EXPECT_EQ(parse_size("--s", "1G", 1, 1ULL << 30), 1ULL << 30);
	EXPECT_THROW(parse_size("--s", "2G", 1, 1ULL << 30), UsageError);
	EXPECT_THROW(parse_size("--s", "-1", 0, 100), UsageError);
	EXPECT_THROW(parse_size("--s", "K", 0, 100), UsageError);
	EXPECT_THROW(parse_size("--s", "12Q", 0, 100), UsageError);
}

TEST(Args, Seconds)
{
	EXPECT_DOUBLE_EQ(parse_seconds("--t", "1.5", 0, 10), 1.5);
	EXPECT_THROW(parse_seconds("--t", "nan", 0, 10), UsageError);
	EXPECT_THROW(parse_seconds("--t", "11", 0, 10), UsageError);
	EXPECT_THROW(parse_seconds("--t", "1s", 0, 10), UsageError);
}
