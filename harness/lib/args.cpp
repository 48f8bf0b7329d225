// SPDX-License-Identifier: GPL-2.0
#include "args.hpp"

#include "version.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace smcscale {

int64_t parse_integer(const std::string &option, const std::string &text, int64_t min, int64_t max)
{
	errno = 0;
	char *end = nullptr;
	long long v = std::strtoll(text.c_str(), &end, 10);
	if (text.empty() || *end || errno == ERANGE)
		throw UsageError(option + ": '" + text + "' is not a number");
	if (v < min || v > max)
		throw UsageError(option + ": " + text + " is not in " + std::to_string(min) + ".." +
				 std::to_string(max));
	return v;
}

double parse_seconds(const std::string &option, const std::string &text, double min, double max)
{
	char *end = nullptr;
	double v = std::strtod(text.c_str(), &end);
	if (text.empty() || *end || !std::isfinite(v))
		throw UsageError(option + ": '" + text + "' is not a number of seconds");
	if (v < min || v > max) {
		std::ostringstream msg;
		msg << option << ": " << text << " is not in " << min << ".." << max << " seconds";
		throw UsageError(msg.str());
	}
	return v;
}

uint64_t parse_size(const std::string &option, const std::string &text, uint64_t min, uint64_t max)
{
	std::string digits = text;
	uint64_t scale = 1;
	if (!digits.empty()) {
		switch (digits.back()) {
		case 'k': case 'K': scale = 1ULL << 10; break;
		case 'm': case 'M': scale = 1ULL << 20; break;
		case 'g': case 'G': scale = 1ULL << 30; break;
		default: break;
		}
		if (scale != 1)
			digits.pop_back();
	}
	errno = 0;
	char *end = nullptr;
	unsigned long long v = std::strtoull(digits.c_str(), &end, 10);
	if (digits.empty() || *end || errno == ERANGE || digits[0] == '-' || v > max / scale)
		throw UsageError(option + ": '" + text + "' is not a size (bytes, or with K, M, G)");
	v *= scale;
	if (v < min || v > max)
		throw UsageError(option + ": " + text + " is not in " + std::to_string(min) + ".." +
				 std::to_string(max) + " bytes");
	return v;
}

namespace {

std::vector<std::string> split_names(const std::string &names)
{
	std::vector<std::string> out;
	std::istringstream in(names);
	for (std::string n; std::getline(in, n, ',');)
		out.push_back(n);
	return out;
}

std::string join_names(const std::vector<std::string> &names)
{
	std::string out;
	for (const std::string &n : names)
		out += (out.empty() ? "" : ", ") + n;
	return out;
}

} // namespace

void ArgParser::flag(const std::string &names, const std::string &help, std::function<void()> set)
{
	specs_.push_back({split_names(names), "", help, std::move(set), nullptr});
}

void ArgParser::option(const std::string &names, const std::string &metavar, const std::string &help,
		       std::function<void(const std::string &)> set)
{
	specs_.push_back({split_names(names), metavar, help, nullptr, std::move(set)});
}

const ArgParser::Spec *ArgParser::find(const std::string &name) const
{
	for (const Spec &s : specs_)
		for (const std::string &n : s.names)
			if (n == name)
				return &s;
	return nullptr;
}

std::string ArgParser::version_line() const
{
	return program_ + " (smc-scale " SMCSCALE_VERSION ")";
}

bool ArgParser::handle_help_and_version(std::ostream &out) const
{
	if (help_)
		out << usage();
	else if (version_)
		out << version_line() << "\n";
	return help_ || version_;
}

std::vector<std::string> ArgParser::parse(int argc, char **argv, int first)
{
	std::vector<std::string> positionals;
	bool options_done = false;
	for (int i = first; i < argc; i++) {
		std::string arg = argv[i];
		if (options_done || arg.size() < 2 || arg[0] != '-') {
			positionals.push_back(arg);
			continue;
		}
		if (arg == "--") {
			options_done = true;
			continue;
		}
		if (arg == "-h" || arg == "--help") {
			help_ = true;
			continue;
		}
		if (arg == "-V" || arg == "--version") {
			version_ = true;
			continue;
		}
		std::string name = arg, value;
		bool inline_value = false;
		if (auto eq = arg.find('='); eq != std::string::npos) {
			name = arg.substr(0, eq);
			value = arg.substr(eq + 1);
			inline_value = true;
		}
		const Spec *spec = find(name);
		if (!spec)
			throw UsageError("unknown option '" + name + "'");
		if (spec->set_flag) {
			if (inline_value)
				throw UsageError(name + " takes no value");
			spec->set_flag();
			continue;
		}
		if (!inline_value) {
			if (i + 1 >= argc)
				throw UsageError(name + " needs a value (" + spec->metavar + ")");
			value = argv[++i];
		}
		spec->set_value(value);
	}
	return positionals;
}

std::string ArgParser::usage() const
{
	std::ostringstream out;
	out << "usage: " << program_ << " " << synopsis_ << "\n";
	if (specs_.empty())
		return out.str();
	out << "\noptions:\n";
	std::vector<std::pair<std::string, std::string>> rows;
	for (const Spec &s : specs_)
		rows.emplace_back(join_names(s.names) + (s.metavar.empty() ? "" : " " + s.metavar), s.help);
	rows.emplace_back("-h, --help", "show this help");
	rows.emplace_back("-V, --version", "show the version");
	size_t width = 0;
	for (const auto &[left, help] : rows)
		width = std::max(width, left.size());
	for (const auto &[left, help] : rows)
		out << "  " << left << std::string(width - left.size() + 2, ' ') << help << "\n";
	return out.str();
}

} // namespace smcscale
