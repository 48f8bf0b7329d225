// SPDX-License-Identifier: GPL-2.0
#include "cq_work.hpp"

#include "error.hpp"
#include "fd.hpp"
#include "procfs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <regex>
#include <sstream>

namespace smcscale {

const std::vector<std::string> kSmcCqFunctions = {"smc_wr_tx_tasklet_fn", "smc_wr_rx_tasklet_fn"};

namespace {

// Names of our tracefs objects for function number 'i'.
std::string probe_group() { return "smcscale"; }
std::string entry_event(size_t i) { return "cq" + std::to_string(i) + "_in"; }
std::string exit_event(size_t i) { return "cq" + std::to_string(i) + "_out"; }
std::string synthetic_event(size_t i) { return "smcscale_cq" + std::to_string(i); }

} // namespace

CqWorkByCpu parse_cq_work_hist(const std::string &text)
{
	// "{ common_cpu:          1 } hitcount:        123  ns:    4567890"
	static const std::regex row(R"(^\{ common_cpu:\s*(\d+) \} hitcount:\s*(\d+)\s+ns:\s*(\d+)\s*$)");
	CqWorkByCpu out;
	bool header = false, totals = false;
	std::istringstream in(text);
	std::string line;
	while (std::getline(in, line)) {
		if (line.rfind("# event histogram", 0) == 0)
			header = true;
		if (line.rfind("Totals:", 0) == 0)
			totals = true;
		std::smatch m;
		if (!std::regex_match(line, m, row))
			continue;
		CqWork &w = out[static_cast<unsigned>(std::stoul(m[1]))];
		w.runs += std::stoull(m[2]);
		w.ns += std::stoull(m[3]);
	}
	if (!header || !totals)
		throw Error("not a tracefs histogram (no '# event histogram' header or 'Totals:')");
	return out;
}

CqWorkTracer::CqWorkTracer(std::string tracefs, std::vector<std::string> functions)
	: tracefs_(std::move(tracefs)), functions_(std::move(functions))
{
	try {
		for (size_t i = 0; i < functions_.size(); i++) {
			const std::string &fn = functions_[i];
			const std::string in = probe_group() + "/" + entry_event(i);
			const std::string out = probe_group() + "/" + exit_event(i);
			write("kprobe_events", "p:" + in + " " + fn);
			undo_.emplace_back("kprobe_events", "-:" + in);
			write("kprobe_events", "r:" + out + " " + fn);
			undo_.emplace_back("kprobe_events", "-:" + out);
			const std::string synth = synthetic_event(i) + " u64 ns";
			write("synthetic_events", synth);
			undo_.emplace_back("synthetic_events", "!" + synth);
			// entry: remember the time per CPU (a tasklet runs on one CPU, unnested)
			const std::string t_in = "hist:keys=common_cpu:ts0=common_timestamp";
			write("events/" + in + "/trigger", t_in);
			undo_.emplace_back("events/" + in + "/trigger", "!" + t_in);
			// exit: the duration, as a synthetic event
			const std::string t_out = "hist:keys=common_cpu:ns=common_timestamp-$ts0:onmatch(" + probe_group() +
						  "." + entry_event(i) + ").trace(" + synthetic_event(i) + ",$ns)";
			write("events/" + out + "/trigger", t_out);
			undo_.emplace_back("events/" + out + "/trigger", "!" + t_out);
			// and its sum per CPU
			const std::string t_sum = "hist:keys=common_cpu:vals=hitcount,ns:sort=common_cpu";
			write("events/synthetic/" + synthetic_event(i) + "/trigger", t_sum);
			undo_.emplace_back("events/synthetic/" + synthetic_event(i) + "/trigger", "!" + t_sum);
		}
	} catch (...) {
		teardown();
		throw;
	}
}

CqWorkTracer::~CqWorkTracer()
{
	teardown();
}

namespace {

// One write(2) of 'line' to a tracefs control file, appended: O_TRUNC would clear the
// file's other entries, and a stream's seek to the end fails on tracefs.
int append_line(const std::string &path, const std::string &line)
{
	UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
	if (!fd)
		return errno;
	const std::string text = line + "\n";
	if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
		return errno ? errno : EIO;
	return 0;
}

} // namespace

void CqWorkTracer::write(const std::string &file, const std::string &line)
{
	const std::string path = tracefs_ + "/" + file;
	const int err = append_line(path, line);
	if (err == ENOENT || err == EACCES || err == EPERM)
		throw Error(errno_message("tracefs: opening " + path + " (root, and tracefs mounted?)", err));
	if (err)
		throw Error(errno_message("tracefs: writing '" + line + "' to " + path, err) +
			    " (is the function's module loaded? see " + tracefs_ + "/error_log)");
}

void CqWorkTracer::teardown() noexcept
{
	while (!undo_.empty()) {
		const auto [file, line] = undo_.back();
		undo_.pop_back();
		append_line(tracefs_ + "/" + file, line);
	}
}

CqWorkByCpu CqWorkTracer::read() const
{
	CqWorkByCpu total;
	for (size_t i = 0; i < functions_.size(); i++) {
		const std::string path = tracefs_ + "/events/synthetic/" + synthetic_event(i) + "/hist";
		CqWorkByCpu one;
		try {
			one = parse_cq_work_hist(read_proc_file(path));
		} catch (const std::exception &e) {
			throw Error(path + ": " + e.what());
		}
		for (const auto &[cpu, w] : one) {
			total[cpu].runs += w.runs;
			total[cpu].ns += w.ns;
		}
	}
	return total;
}

CqWorkByCpu cq_work_delta(const CqWorkByCpu &before, const CqWorkByCpu &after)
{
	CqWorkByCpu d;
	for (const auto &[cpu, a] : after) {
		auto b = before.find(cpu);
		const CqWork zero;
		const CqWork &bw = b == before.end() ? zero : b->second;
		d[cpu] = {a.runs >= bw.runs ? a.runs - bw.runs : 0, a.ns >= bw.ns ? a.ns - bw.ns : 0};
	}
	return d;
}

} // namespace smcscale
