// SPDX-License-Identifier: GPL-2.0
#include "procfs.hpp"

#include "error.hpp"

#include "fd.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

namespace smcscale {

namespace {

std::vector<std::string_view> split_words(std::string_view line)
{
	std::vector<std::string_view> words;
	size_t i = 0;
	while (i < line.size()) {
		while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
			i++;
		size_t start = i;
		while (i < line.size() && line[i] != ' ' && line[i] != '\t')
			i++;
		if (i > start)
			words.push_back(line.substr(start, i - start));
	}
	return words;
}

uint64_t to_u64(std::string_view word, const char *file, size_t line_no)
{
	uint64_t v = 0;
	auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
	if (ec != std::errc() || end != word.data() + word.size())
		throw ProcParseError(std::string(file) + " line " + std::to_string(line_no) + ": '" +
				     std::string(word) + "' is not a counter");
	return v;
}

template <typename Fn>
void for_each_line(std::string_view text, Fn fn)
{
	size_t line_no = 0;
	while (!text.empty()) {
		size_t nl = text.find('\n');
		std::string_view line = text.substr(0, nl);
		fn(line, ++line_no);
		if (nl == std::string_view::npos)
			break;
		text.remove_prefix(nl + 1);
	}
}

CpuTimes parse_cpu_fields(const std::vector<std::string_view> &w, size_t line_no)
{
	// At least user nice system idle (every kernel since 2.4).
	if (w.size() < 5)
		throw ProcParseError("/proc/stat line " + std::to_string(line_no) + ": " + std::string(w[0]) +
				     " has " + std::to_string(w.size() - 1) + " fields, expected at least 4");
	CpuTimes t;
	uint64_t *out[] = {&t.user, &t.nice, &t.system, &t.idle, &t.iowait,
			   &t.irq,  &t.softirq, &t.steal, &t.guest, &t.guest_nice};
	for (size_t i = 1; i < w.size() && i <= 10; i++)
		*out[i - 1] = to_u64(w[i], "/proc/stat", line_no);
	return t;
}

} // namespace

StatSnapshot parse_proc_stat(std::string_view text)
{
	StatSnapshot s;
	bool have_all = false;
	for_each_line(text, [&](std::string_view line, size_t line_no) {
		if (line.substr(0, 3) != "cpu")
			return;
		auto w = split_words(line);
		if (w.empty())
			return;
		if (w[0] == "cpu") {
			s.all = parse_cpu_fields(w, line_no);
			have_all = true;
			return;
		}
		std::string_view num = w[0].substr(3);
		unsigned cpu = 0;
		auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), cpu);
		if (num.empty() || ec != std::errc() || end != num.data() + num.size())
			throw ProcParseError("/proc/stat line " + std::to_string(line_no) + ": '" + std::string(w[0]) +
					     "' is not a cpu name");
		if (!s.cpus.emplace(cpu, parse_cpu_fields(w, line_no)).second)
			throw ProcParseError("/proc/stat line " + std::to_string(line_no) + ": cpu" +
					     std::to_string(cpu) + " appears twice");
	});
	if (!have_all)
		throw ProcParseError("/proc/stat has no 'cpu' line");
	return s;
}

SoftirqSnapshot parse_proc_softirqs(std::string_view text)
{
	SoftirqSnapshot s;
	bool header = false;
	for_each_line(text, [&](std::string_view line, size_t line_no) {
		auto w = split_words(line);
		if (w.empty())
			return;
		if (!header) {
			for (std::string_view col : w) {
				std::string_view num = col.substr(col.size() > 3 ? 3 : col.size());
				unsigned cpu = 0;
				auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), cpu);
				if (col.substr(0, 3) != "CPU" || num.empty() || ec != std::errc() ||
				    end != num.data() + num.size())
					throw ProcParseError("/proc/softirqs header: '" + std::string(col) +
							     "' is not a CPU column");
				s.cpus.push_back(cpu);
			}
			header = true;
			return;
		}
		std::string_view name = w[0];
		if (name.size() < 2 || name.back() != ':')
			throw ProcParseError("/proc/softirqs line " + std::to_string(line_no) + ": '" +
					     std::string(name) + "' is not a row name");
		name.remove_suffix(1);
		if (w.size() - 1 != s.cpus.size())
			throw ProcParseError("/proc/softirqs line " + std::to_string(line_no) + ": " +
					     std::to_string(w.size() - 1) + " counters for " +
					     std::to_string(s.cpus.size()) + " CPU columns");
		std::vector<uint64_t> counts;
		for (size_t i = 1; i < w.size(); i++)
			counts.push_back(to_u64(w[i], "/proc/softirqs", line_no));
		if (!s.rows.emplace(std::string(name), std::move(counts)).second)
			throw ProcParseError("/proc/softirqs: row " + std::string(name) + " appears twice");
	});
	if (!header)
		throw ProcParseError("/proc/softirqs is empty");
	return s;
}

std::string read_proc_file(const std::string &path)
{
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd)
		throw_errno("open " + path, errno);
	std::string text;
	char buf[16384];
	for (;;) {
		ssize_t n = ::read(fd.get(), buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			throw_errno("read " + path, errno);
		}
		if (n == 0)
			break;
		text.append(buf, static_cast<size_t>(n));
	}
	return text;
}

} // namespace smcscale
