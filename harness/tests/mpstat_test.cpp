// SPDX-License-Identifier: GPL-2.0
// The sampler against the real mpstat (sysstat), column by column and CPU by CPU:
// - on recorded /proc/stat snapshots, replayed to mpstat (mpstat-replay), including
//   the cases where counters go down (a CPU back online, iowait stepping back, an
//   overflow near 2^64, CPUs going offline or coming online): equal to mpstat's
//   two decimals;
// - live, over one interval under a load with user, system and softirq time: within
//   1 percentage point on every column (the two tools read /proc/stat a few
//   milliseconds apart).
#include "child_process.hpp"
#include "cpu_load.hpp"
#include "load_sampler.hpp"
#include "procfs.hpp"
#include "traffic.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <sstream>
#include <thread>

using namespace smcscale;

namespace {

const std::vector<std::string> kColumns = {"usr", "nice", "sys", "iowait", "irq",
					   "soft", "steal", "guest", "gnice", "idle"};

// One block of 'mpstat -P ALL' output: CPU ("all", "0", ...) -> column -> percent.
using MpstatBlock = std::map<std::string, std::map<std::string, double>>;

// The first interval block (rows that start with a time) or the "Average:" block.
MpstatBlock parse_mpstat(const std::string &text, bool average)
{
	MpstatBlock block;
	std::istringstream in(text);
	std::string line;
	std::vector<std::string> header;
	bool in_block = false, done = false;
	while (std::getline(in, line) && !done) {
		std::istringstream words(line);
		std::vector<std::string> w;
		for (std::string x; words >> x;)
			w.push_back(x);
		if (w.size() < 2)
			continue;
		const bool is_average = w[0] == "Average:";
		if (std::find(w.begin(), w.end(), "%usr") != w.end()) {
			if (in_block)
				done = true;
			in_block = is_average == average;
			header = w;
			continue;
		}
		if (!in_block || w.size() != header.size())
			continue;
		auto &row = block[w[1]];
		for (size_t i = 2; i < w.size(); i++)
			if (header[i].size() > 1 && header[i][0] == '%')
				row[header[i].substr(1)] = std::stod(w[i]);
	}
	return block;
}

double column(const CpuUtilization &u, const std::string &name)
{
	const std::map<std::string, double> v = {{"usr", u.usr},	 {"nice", u.nice},   {"sys", u.sys},
						 {"iowait", u.iowait}, {"irq", u.irq},	     {"soft", u.soft},
						 {"steal", u.steal},	 {"guest", u.guest}, {"gnice", u.gnice},
						 {"idle", u.idle}};
	return v.at(name);
}

// Every row mpstat shows against ours, every column within 'tolerance'; CPUs mpstat
// leaves out must be offline in ours. Returns how many values were compared.
size_t compare_with_mpstat(const std::vector<CpuUtilization> &ours, const MpstatBlock &theirs, double tolerance,
			   const std::string &context)
{
	size_t compared = 0;
	for (const CpuUtilization &u : ours) {
		const std::string key = u.cpu ? std::to_string(*u.cpu) : "all";
		auto it = theirs.find(key);
		if (!u.online) {
			EXPECT_EQ(it, theirs.end()) << "mpstat shows CPU " << key << ", which we call offline\n" << context;
			continue;
		}
		if (it == theirs.end()) {
			ADD_FAILURE() << "mpstat has no row for CPU " << key << "\n" << context;
			continue;
		}
		for (const std::string &c : kColumns) {
			auto v = it->second.find(c);
			if (v == it->second.end()) {
				ADD_FAILURE() << "mpstat has no %" << c << " column\n" << context;
				continue;
			}
			EXPECT_NEAR(column(u, c), v->second, tolerance) << "CPU " << key << " %" << c << "\n" << context;
			compared++;
		}
	}
	return compared;
}

std::string read_file(const std::filesystem::path &p)
{
	std::ifstream in(p);
	std::stringstream s;
	s << in.rdbuf();
	return s.str();
}

// A steady load while it lives: loopback TCP streams, whose payload generation and
// verification gives user time and whose sends and receives softirq time, and a pipe
// pumped in 64 KiB blocks, whose copies give system time whatever the build (a
// sanitized one spends more of the streams' time in user space). The destructor stops
// and joins everything, so a failed assertion cannot leave it running.
class BackgroundLoad {
public:
	explicit BackgroundLoad(uint16_t port)
	{
		if (pipe(pipe_) != 0)
			throw std::runtime_error("BackgroundLoad: pipe failed");
		TrafficOptions server, client;
		server.server = true;
		server.family = client.family = SocketFamily::tcp;
		server.host = client.host = "127.0.0.1";
		server.port = client.port = port;
		server.threads = 1;
		client.mode = TrafficMode::stream;
		client.connections = 2;
		client.threads = 1;
		client.duration = 120; // cut short by stop_
		server_ = std::async(std::launch::async, [this, server] { return run_traffic_server(server, stop_); });
		usleep(200 * 1000);
		client_ = std::async(std::launch::async, [this, client] { return run_traffic_client(client, stop_); });
		pump_ = std::thread([this] {
			std::vector<char> buf(64 << 10, 'x');
			while (!stop_)
				if (write(pipe_[1], buf.data(), buf.size()) < 0)
					break;
		});
		drain_ = std::thread([this] {
			std::vector<char> buf(64 << 10);
			while (read(pipe_[0], buf.data(), buf.size()) > 0)
				;
		});
	}
	~BackgroundLoad()
	{
		stop_ = true;
		pump_.join(); // a blocked write returns once the drain reads again
		::close(pipe_[1]);
		drain_.join();
		::close(pipe_[0]);
		client_.wait();
		server_.wait();
	}

private:
	std::atomic<bool> stop_{false};
	std::future<TrafficResult> server_, client_;
	int pipe_[2] = {-1, -1};
	std::thread pump_, drain_;
};

} // namespace

TEST(MpstatReplay, RecordedSnapshotsGiveMpstatsNumbers)
{
	namespace fs = std::filesystem;
	const fs::path cases = fs::path(SMCSCALE_TEST_DATA) / "mpstat";
	std::vector<fs::path> dirs;
	for (const auto &e : fs::directory_iterator(cases))
		dirs.push_back(e.path());
	std::sort(dirs.begin(), dirs.end());
	ASSERT_GE(dirs.size(), 8u) << cases;
	size_t compared = 0;
	for (const fs::path &dir : dirs) {
		SCOPED_TRACE(dir.filename().string());
		ChildProcess::Options o;
		o.capture_stdout = true;
		ChildProcess replay({SMCSCALE_TEST_SOURCE "/mpstat-replay", (dir / "before").string(),
				     (dir / "after").string(), read_file(dir / "cpus")},
				    o);
		const std::string text = replay.read_stdout();
		const int status = replay.wait();
		if (WIFEXITED(status) && WEXITSTATUS(status) == 4)
			GTEST_SKIP() << "mpstat-replay cannot run here: it needs root (a private mount "
					"namespace) and sysstat's mpstat";
		ASSERT_EQ(status, 0) << "mpstat-replay " << ChildProcess::describe(status) << "\n" << text;
		const MpstatBlock theirs = parse_mpstat(text, false);
		ASSERT_FALSE(theirs.empty()) << text;
		const auto ours = cpu_utilization(parse_proc_stat(read_file(dir / "before")),
						  parse_proc_stat(read_file(dir / "after")));
		// mpstat prints two decimals
		compared += compare_with_mpstat(ours, theirs, 0.0051, text);
	}
	EXPECT_GT(compared, 8u * 20);
}

TEST(Mpstat, EveryColumnOfEveryCpuAgreesWithin1PointUnderLoad)
{
	if (access("/usr/bin/mpstat", X_OK) != 0)
		GTEST_SKIP() << "mpstat (sysstat) is not installed";
	BackgroundLoad load(static_cast<uint16_t>(20000 + getpid() % 20000));
	usleep(500 * 1000); // let the load settle

	// Our first sample as mpstat takes its own, our second when it has printed.
	ChildProcess::Options o;
	o.capture_stdout = true;
	o.extra_env = {"LC_ALL=C", "S_TIME_FORMAT=ISO"};
	ChildProcess mpstat({"mpstat", "-P", "ALL", "4", "1"}, o);
	const LoadSample first = read_load_sample("/proc", 0);
	const std::string text = mpstat.read_stdout();
	const LoadSample second = read_load_sample("/proc", 4);
	const int status = mpstat.wait();
	ASSERT_EQ(status, 0) << "mpstat " << ChildProcess::describe(status) << "\n" << text;

	const MpstatBlock theirs = parse_mpstat(text, true);
	ASSERT_TRUE(theirs.count("all")) << text;
	// The comparison means something only when the load shows in every kind of time
	// that a sampler could get wrong.
	const auto &all = theirs.at("all");
	EXPECT_GE(all.at("usr"), 5.0) << "the load gave too little user time\n" << text;
	EXPECT_GE(all.at("sys"), 5.0) << "the load gave too little system time\n" << text;
	EXPECT_GE(all.at("soft"), 1.0) << "the load gave too little softirq time\n" << text;
	RecordProperty("mpstat_all", nlohmann::json(all).dump());

	const LoadReport ours = analyze_load({first, second});
	const size_t compared = compare_with_mpstat(ours.total.cpus, theirs, 1.0, text);
	EXPECT_EQ(compared, theirs.size() * kColumns.size());
}
