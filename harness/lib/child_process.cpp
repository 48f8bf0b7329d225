// SPDX-License-Identifier: GPL-2.0
#include "child_process.hpp"

#include "error.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char **environ;

namespace smcscale {

ChildProcess::ChildProcess(const std::vector<std::string> &argv) : ChildProcess(argv, Options{}) {}

ChildProcess::ChildProcess(const std::vector<std::string> &argv, const Options &options)
{
	if (argv.empty())
		throw Error("starting a child process: no program given");
	name_ = argv[0];
	std::vector<char *> args;
	for (const std::string &a : argv)
		args.push_back(const_cast<char *>(a.c_str()));
	args.push_back(nullptr);
	std::vector<std::string> env_strings;
	for (char **e = environ; *e; e++)
		env_strings.emplace_back(*e);
	env_strings.insert(env_strings.end(), options.extra_env.begin(), options.extra_env.end());
	std::vector<char *> envp;
	for (std::string &e : env_strings)
		envp.push_back(e.data());
	envp.push_back(nullptr);

	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	int pipefd[2] = {-1, -1};
	if (options.capture_stdout) {
		if (pipe2(pipefd, O_CLOEXEC) != 0) {
			const int err = errno;
			posix_spawn_file_actions_destroy(&actions);
			throw_errno("starting " + name_ + ": pipe", err);
		}
		posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
	}
	const int rc = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), envp.data());
	posix_spawn_file_actions_destroy(&actions);
	if (options.capture_stdout) {
		::close(pipefd[1]);
		stdout_.reset(pipefd[0]);
	}
	if (rc) {
		pid_ = -1;
		throw_errno("starting " + name_, rc);
	}
}

ChildProcess::~ChildProcess()
{
	if (pid_ > 0 && !status_)
		terminate();
}

std::optional<int> ChildProcess::poll()
{
	if (status_ || pid_ <= 0)
		return status_;
	int status;
	pid_t r;
	while ((r = waitpid(pid_, &status, WNOHANG)) < 0 && errno == EINTR)
		;
	if (r == pid_)
		status_ = status;
	return status_;
}

int ChildProcess::wait()
{
	if (status_)
		return *status_;
	int status = 0;
	while (waitpid(pid_, &status, 0) < 0) {
		if (errno != EINTR)
			throw_errno("waiting for " + name_, errno);
	}
	status_ = status;
	return status;
}

int ChildProcess::terminate(std::chrono::milliseconds grace)
{
	if (poll())
		return *status_;
	::kill(pid_, SIGTERM);
	const auto deadline = std::chrono::steady_clock::now() + grace;
	while (std::chrono::steady_clock::now() < deadline) {
		if (poll())
			return *status_;
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
	::kill(pid_, SIGKILL);
	return wait();
}

std::string ChildProcess::read_stdout()
{
	std::string out;
	if (!stdout_)
		return out;
	char buf[4096];
	for (;;) {
		const ssize_t n = ::read(stdout_.get(), buf, sizeof(buf));
		if (n > 0) {
			out.append(buf, static_cast<size_t>(n));
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	stdout_.reset();
	return out;
}

std::string ChildProcess::describe(int status)
{
	if (WIFEXITED(status))
		return "exit " + std::to_string(WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
		       strsignal(WTERMSIG(status)) + ")";
	return "wait status " + std::to_string(status);
}

} // namespace smcscale
