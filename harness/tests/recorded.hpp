// SPDX-License-Identifier: GPL-2.0
// Loads netlink replies recorded with 'smcctl --record' (tests/data/*.rec): sections
// start with "# <name>", other lines are "<genl command> <message in hex>".
#pragma once

#include "genl_socket.hpp"

#include <map>
#include <string>
#include <vector>

namespace smcscale::test {

using Recording = std::map<std::string, std::vector<NetlinkMessage>>;

Recording load_recording(const std::string &name);

} // namespace smcscale::test
