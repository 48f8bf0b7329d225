// SPDX-License-Identifier: GPL-2.0
// Human-readable tables of SMC netlink values, with smc-tools' column names and value
// words (smcr device, smcr linkgroup [link-show], smcr stats, smcss) so that SMC-R users
// read them as they read smcr. The CQ-spreading series' columns are appended; wide
// fields (GIDs, UIDs, PCI ids, the per-CQ table) show with detail level 1 (-d).
#pragma once

#include "smc_diag.hpp"
#include "smc_types.hpp"

#include <ostream>
#include <vector>

namespace smcscale {

void render_devices(std::ostream &out, const std::vector<SmcrDevice> &devices, int detail = 0);
void render_link_groups(std::ostream &out, const std::vector<LinkGroup> &groups, int detail = 0);
void render_links(std::ostream &out, const LinkDump &dump, int detail = 0);
void render_stats(std::ostream &out, const Stats &stats);
void render_fallbacks(std::ostream &out, const FallbackStats &fallbacks);
void render_pnet(std::ostream &out, const std::vector<PnetEntry> &entries);
void render_sys_info(std::ostream &out, const SysInfo &info);
void render_sockets(std::ostream &out, const std::vector<SmcSocket> &sockets, int detail = 0);

// smcr's words for enum smc_lgr_type and enum smc_link_state.
std::string link_group_type_name(uint8_t type);
std::string link_state_name(uint32_t state);

// Interface name of an ifindex, or the number when this host has no such interface.
std::string netdev_name(uint32_t ifindex);

} // namespace smcscale
