// SPDX-License-Identifier: GPL-2.0
// A child process that cannot outlive its owner by accident: the destructor ends it
// (SIGTERM, then SIGKILL after a grace period) and reaps it, so every error path of a
// tool or a test leaves nothing running.
#pragma once

#include "fd.hpp"

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace smcscale {

class ChildProcess {
public:
	struct Options {
		bool capture_stdout = false; // read it with read_stdout()
		std::vector<std::string> extra_env; // NAME=VALUE added to this environment
	};

	// Starts argv[0] (searched in PATH). Throws Error naming the program.
	explicit ChildProcess(const std::vector<std::string> &argv);
	ChildProcess(const std::vector<std::string> &argv, const Options &options);
	ChildProcess(const ChildProcess &) = delete;
	ChildProcess &operator=(const ChildProcess &) = delete;
	~ChildProcess();

	pid_t pid() const { return pid_; }
	// The wait status once the child ended, without blocking; nullopt while it runs.
	std::optional<int> poll();
	// Blocks until the child ends; returns its wait status.
	int wait();
	// SIGTERM, then SIGKILL when it has not ended after 'grace'; returns the status.
	int terminate(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
	// Everything the child writes to stdout until it closes it (capture_stdout).
	std::string read_stdout();

	// "exit N" or "killed by signal N" for a wait status.
	static std::string describe(int status);

private:
	pid_t pid_ = -1;
	std::optional<int> status_;
	UniqueFd stdout_;
	std::string name_;
};

} // namespace smcscale
