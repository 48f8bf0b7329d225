// SPDX-License-Identifier: GPL-2.0
// JSON forms of the SMC netlink values (nlohmann::json, found by ADL).
#pragma once

#include "smc_diag.hpp"
#include "smc_types.hpp"

#include <nlohmann/json.hpp>

namespace smcscale {

void to_json(nlohmann::json &j, const SysInfo &v);
void to_json(nlohmann::json &j, const SmcrPort &v);
void to_json(nlohmann::json &j, const SmcrCq &v);
void to_json(nlohmann::json &j, const SmcrDevice &v);
void to_json(nlohmann::json &j, const LinkGroup &v);
void to_json(nlohmann::json &j, const Link &v);
void to_json(nlohmann::json &j, const TechStats &v);
void to_json(nlohmann::json &j, const Stats &v);
void to_json(nlohmann::json &j, const FallbackReason &v);
void to_json(nlohmann::json &j, const FallbackStats &v);
void to_json(nlohmann::json &j, const PnetEntry &v);
void to_json(nlohmann::json &j, const SmcSocket &v);

} // namespace smcscale
