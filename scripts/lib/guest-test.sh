# SPDX-License-Identifier: GPL-2.0
# Helpers of the tests that run in the guest pair (smoke-test, guest-gtest): the skip
# when the host has no QEMU, the harness tools they need, TAP lines, and reading the
# JSON a run left in its run directory. Source after common.sh; set run_dir.

# guest_test_prereqs TOOL...: tools under the harness build dir; exits 4 (skip) without QEMU.
guest_test_prereqs() {
	local tool
	command -v jq >/dev/null || die "jq missing (make deps)"
	if ! command -v qemu-system-x86_64 >/dev/null; then
		echo "1..0 # SKIP qemu-system-x86_64 is not installed"
		exit 4
	fi
	for tool in "$@"; do
		[ -x "$HARNESS_BIN/$tool" ] || die "$HARNESS_BIN/$tool missing: run 'make harness'"
	done
}
HARNESS_BIN=${SMCVM_HARNESS:-$SMC_REPO/build/harness}

tap_n=0 tap_failed=0
# tap OK DESCRIPTION [DIRECTIVE]: one TAP line; OK is 1 or 0.
tap() {
	tap_n=$((tap_n + 1))
	if [ "$1" = 1 ]; then
		echo "ok $tap_n $2${3:+ # $3}"
	else
		echo "not ok $tap_n $2${3:+ # $3}"
		tap_failed=$((tap_failed + 1))
	fi
}

# check DESCRIPTION COMMAND...: a TAP line that passes when COMMAND does.
check() {
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then tap 1 "$what"; else tap 0 "$what"; fi
}

# json FILE FILTER: jq FILTER on run_dir/FILE, "missing" when it cannot be read.
json() { jq -r "$2" "$run_dir/$1" 2>/dev/null || echo missing; }
