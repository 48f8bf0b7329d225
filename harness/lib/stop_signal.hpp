// SPDX-License-Identifier: GPL-2.0
// SIGINT and SIGTERM set a flag that the tools' loops poll, so they end cleanly and
// still report what they measured.
#pragma once

#include <atomic>

namespace smcscale {

// Returns the flag; installs the handlers on the first call.
const std::atomic<bool> &stop_on_signals();

} // namespace smcscale
