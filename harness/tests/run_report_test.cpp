// SPDX-License-Identifier: GPL-2.0
#include "error.hpp"
#include "run_report.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace smcscale;
namespace fs = std::filesystem;

TEST(RunReport, RecordedDemoRun)
{
	const nlohmann::json r = read_run_report(std::string(SMCSCALE_TEST_DATA) + "/run-demo");
	EXPECT_EQ(r["run"]["smc"], "patched");
	EXPECT_EQ(r["run"]["kernel"], "6.1.192-2");
	EXPECT_EQ(r["run"]["vcpus"], "2");
	const nlohmann::json &c = r["guests"]["client"];
	EXPECT_EQ(c["exit"], "0");
	EXPECT_EQ(c["link_groups"].size(), 1u);
	EXPECT_EQ(c["devices"][0]["cq_pairs"], 2);
	EXPECT_EQ(c["fallbacks"]["client_total"], 0);
	EXPECT_TRUE(c["traffic"]["results"]["ok"].get<bool>());
	EXPECT_GT(c["traffic"]["results"]["qps"].get<double>(), 0.0);
	EXPECT_EQ(c["load"]["cpus"].size(), 3u); // all, cpu0, cpu1
	EXPECT_FALSE(r["guests"]["server"].contains("traffic"));

	std::ostringstream out;
	render_run_report(out, r);
	for (const char *text : {"KERNEL", "patched", "== client (exit 0)", "CQ-PAIRS", "P99-US", "BUDGET-HITS",
				 "%soft", "spread of %soft: jain="})
		EXPECT_NE(out.str().find(text), std::string::npos) << text << " in\n" << out.str();
}

class RunReportErrors : public ::testing::Test {
protected:
	void SetUp() override
	{
		dir = fs::temp_directory_path() / ("smc-report-test-" + std::to_string(getpid()));
		fs::create_directories(dir / "client");
	}
	void TearDown() override { fs::remove_all(dir); }
	void write(const fs::path &rel, const std::string &text) { std::ofstream(dir / rel) << text; }
	fs::path dir;
};

TEST_F(RunReportErrors, MissingRunEnvIsAnError)
{
	EXPECT_THROW(read_run_report(dir.string()), Error);
}

TEST_F(RunReportErrors, MalformedFilesAreNamed)
{
	write("run.env", "kernel=6.1\nnonsense\n");
	try {
		read_run_report(dir.string());
		FAIL() << "no error";
	} catch (const Error &e) {
		EXPECT_NE(std::string(e.what()).find("run.env line 2"), std::string::npos) << e.what();
	}
	write("run.env", "kernel=6.1\n");
	write("client/traffic.json", "{ not json");
	try {
		read_run_report(dir.string());
		FAIL() << "no error";
	} catch (const Error &e) {
		EXPECT_NE(std::string(e.what()).find("traffic.json: not valid JSON"), std::string::npos) << e.what();
	}
}

TEST_F(RunReportErrors, MissingFilesAreLeftOut)
{
	write("run.env", "kernel=6.1\nsmc=stock\n");
	const nlohmann::json r = read_run_report(dir.string());
	EXPECT_EQ(r["guests"]["client"], nlohmann::json::object());
	std::ostringstream out;
	render_run_report(out, r);
	EXPECT_NE(out.str().find("stock"), std::string::npos);
}
