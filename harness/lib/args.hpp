// SPDX-License-Identifier: GPL-2.0
// Command-line parsing shared by the tools: long options (--name VALUE, --name=VALUE),
// flags, positionals, and a generated usage text. Bad input raises UsageError with a
// message that names the option.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace smcscale {

class UsageError : public std::runtime_error {
public:
	explicit UsageError(const std::string &what) : std::runtime_error(what) {}
};

// Strict number parsing for option values: the whole text, in [min, max].
int64_t parse_integer(const std::string &option, const std::string &text, int64_t min, int64_t max);
double parse_seconds(const std::string &option, const std::string &text, double min, double max);
// A byte count with an optional K/M/G suffix (powers of 1024).
uint64_t parse_size(const std::string &option, const std::string &text, uint64_t min, uint64_t max);

class ArgParser {
public:
	ArgParser(std::string program, std::string synopsis)
		: program_(std::move(program)), synopsis_(std::move(synopsis)) {}

	void flag(const std::string &name, const std::string &help, std::function<void()> set);
	void option(const std::string &name, const std::string &metavar, const std::string &help,
		    std::function<void(const std::string &)> set);

	// Parses argv[first..]; returns the positionals. "--help"/"-h" sets help_requested().
	std::vector<std::string> parse(int argc, char **argv, int first = 1);
	bool help_requested() const { return help_; }
	std::string usage() const;

private:
	struct Spec {
		std::string name;
		std::string metavar; // empty for a flag
		std::string help;
		std::function<void()> set_flag;
		std::function<void(const std::string &)> set_value;
	};
	const Spec *find(const std::string &name) const;

	std::string program_;
	std::string synopsis_;
	std::vector<Spec> specs_;
	bool help_ = false;
};

} // namespace smcscale
