// SPDX-License-Identifier: GPL-2.0
// smc-softirq as a user runs it: a sample that fails while COMMAND runs must end and
// reap COMMAND, not leave it behind.
#include "child_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace smcscale;
namespace fs = std::filesystem;

TEST(SmcSoftirqTool, FailedSampleEndsTheCommand)
{
	const fs::path dir = fs::temp_directory_path() / ("smc-softirq-test-" + std::to_string(getpid()));
	fs::create_directories(dir);
	for (const char *f : {"stat", "softirqs"})
		fs::copy_file(fs::path(SMCSCALE_TEST_DATA) / "proc/host-2cpu-0" / f, dir / f,
			      fs::copy_options::overwrite_existing);
	const fs::path pidfile = dir / "command.pid";
	ChildProcess tool({SMCSCALE_BUILD_DIR "/smc-softirq", "--interval", "0.1", "--quiet", "--proc", dir.string(),
			   "--", "sh", "-c", "echo $$ >" + pidfile.string() + "; exec sleep 60"});
	pid_t command = 0;
	for (int i = 0; i < 500 && !command; i++) {
		std::ifstream in(pidfile);
		if (!(in >> command))
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
	ASSERT_GT(command, 0) << "the command never started";
	fs::remove(dir / "stat"); // the next sample fails
	int status = -1;
	for (int i = 0; i < 500; i++) {
		if (auto s = tool.poll()) {
			status = *s;
			break;
		}
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
	ASSERT_NE(status, -1) << "smc-softirq kept running after a failed sample";
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << ChildProcess::describe(status);
	// ended and reaped: the pid is gone, not a zombie of ours or an orphan
	EXPECT_EQ(::kill(command, 0), -1);
	EXPECT_EQ(errno, ESRCH);
	fs::remove_all(dir);
}
