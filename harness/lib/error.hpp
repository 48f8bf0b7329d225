// SPDX-License-Identifier: GPL-2.0
// The one exception type of the harness: every failure names the step that failed and
// the cause, so a tool can print it as is and exit non-zero.
#pragma once

#include <stdexcept>
#include <string>

namespace smcscale {

class Error : public std::runtime_error {
public:
	explicit Error(const std::string &what) : std::runtime_error(what) {}
};

// "<what>: <strerror(err)>" for a positive errno value.
std::string errno_message(const std::string &what, int err);

[[noreturn]] void throw_errno(const std::string &what, int err);

} // namespace smcscale
