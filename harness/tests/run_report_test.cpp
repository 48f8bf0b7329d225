// SPDX-License-Identifier: GPL-2.0
#include "error.hpp"
#include "run_report.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
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
	for (const char *text : {"KERNEL", "patched", "== client (exit 0)", "CQ-PAIRS", "P99-US", "#Reserved",
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
	fs::create_directories(dir / "client/state");
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

TEST_F(RunReportErrors, ValidJsonOfTheWrongShapeIsNamed)
{
	write("run.env", "kernel=6.1\n");
	fs::create_directories(dir / "client/state");
	auto error_of = [&] {
		try {
			read_run_report(dir.string());
		} catch (const Error &e) {
			return std::string(e.what());
		}
		return std::string("no error");
	};
	// not a document of ours at all
	write("client/traffic.json", "[1, 2, 3]");
	EXPECT_NE(error_of().find("traffic.json: not a smc-scale/smc-traffic.result document"), std::string::npos)
		<< error_of();
	// another tool's document in its place
	write("client/traffic.json", R"({"schema": "smc-scale/smcctl.device", "schema_version": 1})");
	EXPECT_NE(error_of().find("a smc-scale/smcctl.device document, expected smc-scale/smc-traffic.result"),
		  std::string::npos)
		<< error_of();
	fs::remove(dir / "client/traffic.json");
	// the right schema, a field of the wrong type
	write("client/state/device.json", R"({"schema": "smc-scale/smcctl.device", "schema_version": 1,
		"devices": [{"ib_name": "rxe0", "cqs": {"index": 0}}]})");
	EXPECT_NE(error_of().find("device.json: /devices/0/cqs is object, expected array"), std::string::npos)
		<< error_of();
	write("client/state/device.json", R"({"schema": "smc-scale/smcctl.device", "schema_version": 1,
		"devices": [{"ib_name": "rxe0"}]})");
	write("client/state/fallback.json", R"({"schema": "smc-scale/smcctl.fallback", "schema_version": 1,
		"client_total": "none", "server_total": 0})");
	EXPECT_NE(error_of().find("fallback.json: /client_total is string, expected number"), std::string::npos)
		<< error_of();
	// a newer schema version than this reader knows
	write("client/state/fallback.json", R"({"schema": "smc-scale/smcctl.fallback", "schema_version": 99,
		"client_total": 0, "server_total": 0})");
	EXPECT_NE(error_of().find("schema_version 99 is not one this tool reads"), std::string::npos) << error_of();
}

TEST_F(RunReportErrors, ToolPrintsNoHalfReport)
{
	write("run.env", "kernel=6.1\nsmc=patched\n");
	fs::create_directories(dir / "client/state");
	write("client/softirq.json", R"({"schema": "smc-scale/smc-softirq.load", "schema_version": 1,
		"total": {"cpus": [1, 2]}})");
	const std::string cmd = SMCSCALE_BUILD_DIR "/smc-report " + dir.string();
	std::unique_ptr<FILE, int (*)(FILE *)> p(popen((cmd + " 2>" + (dir / "err").string()).c_str(), "r"), pclose);
	std::string out;
	char buf[4096];
	for (size_t n; p && (n = fread(buf, 1, sizeof(buf), p.get())) > 0;)
		out.append(buf, n);
	const int status = pclose(p.release());
	EXPECT_NE(status, 0);
	EXPECT_EQ(out, "") << "a partial report was printed";
	std::ifstream err(dir / "err");
	std::stringstream e;
	e << err.rdbuf();
	EXPECT_NE(e.str().find("softirq.json: /total/cpus/0 is number, expected object"), std::string::npos) << e.str();
}
