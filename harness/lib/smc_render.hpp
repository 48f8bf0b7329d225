// SPDX-License-Identifier: GPL-2.0
// Human-readable tables of SMC netlink values, in the spirit of smc-tools' smcr.
#pragma once

#include "smc_types.hpp"

#include <ostream>
#include <vector>

namespace smcscale {

void render_devices(std::ostream &out, const std::vector<SmcrDevice> &devices);
void render_link_groups(std::ostream &out, const std::vector<LinkGroup> &groups);
void render_links(std::ostream &out, const std::vector<Link> &links);
void render_stats(std::ostream &out, const Stats &stats);
void render_fallbacks(std::ostream &out, const FallbackStats &fallbacks);
void render_pnet(std::ostream &out, const std::vector<PnetEntry> &entries);
void render_sys_info(std::ostream &out, const SysInfo &info);

// Interface name of an ifindex, or the number when this host has no such interface.
std::string netdev_name(uint32_t ifindex);

} // namespace smcscale
