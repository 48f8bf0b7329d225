// SPDX-License-Identifier: GPL-2.0
// The sampler against the real mpstat (sysstat): both measure the same 2-second
// interval under a steady softirq load (TCP streams over loopback) and must agree on
// every CPU's %soft within 1 percentage point.
#include "load_sampler.hpp"
#include "traffic.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <sstream>

using namespace smcscale;

extern char **environ;

namespace {

// %soft per CPU ("all" too) from the "Average:" block of 'mpstat -P ALL'.
std::map<std::string, double> mpstat_soft(const std::string &text)
{
	std::map<std::string, double> out;
	std::istringstream in(text);
	std::string line;
	int cpu_col = -1, soft_col = -1;
	while (std::getline(in, line)) {
		std::istringstream words(line);
		std::vector<std::string> w;
		for (std::string x; words >> x;)
			w.push_back(x);
		if (w.empty() || w[0] != "Average:")
			continue;
		if (cpu_col < 0) {
			for (size_t i = 0; i < w.size(); i++) {
				if (w[i] == "CPU")
					cpu_col = static_cast<int>(i);
				if (w[i] == "%soft")
					soft_col = static_cast<int>(i);
			}
			continue;
		}
		if (soft_col < 0 || static_cast<int>(w.size()) <= soft_col)
			continue;
		out[w[cpu_col]] = std::stod(w[soft_col]);
	}
	return out;
}

} // namespace

TEST(Mpstat, PerCpuSoftirqAgreesWithin1Point)
{
	if (access("/usr/bin/mpstat", X_OK) != 0)
		GTEST_SKIP() << "mpstat (sysstat) is not installed";

	// Steady load: TCP streams over loopback keep NET_RX softirqs busy.
	std::atomic<bool> stop{false};
	TrafficOptions server, client;
	server.server = true;
	server.family = client.family = SocketFamily::tcp;
	server.host = client.host = "127.0.0.1";
	server.port = client.port = static_cast<uint16_t>(20000 + getpid() % 20000);
	server.threads = 1;
	client.mode = TrafficMode::stream;
	client.connections = 2;
	client.threads = 2;
	client.duration = 6;
	auto srv = std::async(std::launch::async, [&] { return run_traffic_server(server, stop); });
	auto cli = std::async(std::launch::async, [&] { return run_traffic_client(client, stop); });
	usleep(500 * 1000);

	int pipefd[2];
	ASSERT_EQ(pipe(pipefd), 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	const char *argv[] = {"mpstat", "-P", "ALL", "2", "1", nullptr};
	std::vector<std::string> env_strings = {"LC_ALL=C", "S_TIME_FORMAT=ISO"};
	std::vector<char *> envp;
	for (auto &e : env_strings)
		envp.push_back(e.data());
	envp.push_back(nullptr);
	pid_t pid;
	ASSERT_EQ(posix_spawn(&pid, "/usr/bin/mpstat", &fa, nullptr, const_cast<char **>(argv), envp.data()), 0);
	// Our first sample as mpstat takes its own, our second when it has printed.
	LoadSample first = read_load_sample("/proc", 0);
	close(pipefd[1]);
	std::string text;
	char buf[4096];
	for (ssize_t n; (n = read(pipefd[0], buf, sizeof(buf))) > 0;)
		text.append(buf, static_cast<size_t>(n));
	LoadSample second = read_load_sample("/proc", 2);
	close(pipefd[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	posix_spawn_file_actions_destroy(&fa);
	stop = true;
	cli.get();
	srv.get();
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << text;

	const auto theirs = mpstat_soft(text);
	const LoadReport ours = analyze_load({first, second});
	ASSERT_FALSE(theirs.empty()) << text;
	size_t compared = 0;
	for (const CpuUtilization &u : ours.total.cpus) {
		const std::string key = u.cpu ? std::to_string(*u.cpu) : "all";
		auto it = theirs.find(key);
		ASSERT_NE(it, theirs.end()) << "mpstat has no row for CPU " << key << "\n" << text;
		EXPECT_NEAR(u.soft, it->second, 1.0) << "CPU " << key << "\n" << text;
		compared++;
	}
	EXPECT_EQ(compared, theirs.size());
	double total_soft = 0;
	for (const auto &[cpu, soft] : theirs)
		total_soft += soft;
	RecordProperty("mpstat_soft_all", std::to_string(theirs.at("all")));
	EXPECT_GT(total_soft, 0.0) << "no softirq load to compare:\n" << text;
}
