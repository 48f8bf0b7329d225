// SPDX-License-Identifier: GPL-2.0
// Command-line parsing shared by the tools: long options (--name VALUE, --name=VALUE),
// flags, positionals, and a generated usage text. Bad input raises UsageError with a
// message that names the option.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
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

// Every tool answers -h/--help with its usage and -V/--version with version_line().
class ArgParser {
public:
	ArgParser(std::string program, std::string synopsis)
		: program_(std::move(program)), synopsis_(std::move(synopsis)) {}

	// 'names' is one name or several separated by commas: "-j,--json".
	void flag(const std::string &names, const std::string &help, std::function<void()> set);
	void option(const std::string &names, const std::string &metavar, const std::string &help,
		    std::function<void(const std::string &)> set);

	// Parses argv[first..]; returns the positionals. "-h"/"--help" sets
	// help_requested(), "-V"/"--version" version_requested().
	std::vector<std::string> parse(int argc, char **argv, int first = 1);
	bool help_requested() const { return help_; }
	bool version_requested() const { return version_; }
	std::string usage() const;
	// "<program> (smc-scale <version>)"
	std::string version_line() const;
	// Prints the usage or the version when asked for; true when it did.
	bool handle_help_and_version(std::ostream &out) const;

private:
	struct Spec {
		std::vector<std::string> names;
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
	bool version_ = false;
};

} // namespace smcscale
