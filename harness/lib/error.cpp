// SPDX-License-Identifier: GPL-2.0
#include "error.hpp"

#include <cstring>

namespace smcscale {

std::string errno_message(const std::string &what, int err)
{
	return what + ": " + std::strerror(err);
}

void throw_errno(const std::string &what, int err)
{
	throw Error(errno_message(what, err));
}

} // namespace smcscale
