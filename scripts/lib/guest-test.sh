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

tap_n=0 tap_failed=0 tap_todo_failed=0
# tap OK DESCRIPTION [DIRECTIVE]: one TAP line; OK is 1 or 0. With TAP_TODO set (a known
# issue, in the caller's words), the line carries "# TODO TAP_TODO" and a failure of it
# is counted apart (tap_todo_failed), as TAP has it.
tap() {
	local directive=${3:-}
	[ -z "${TAP_TODO:-}" ] || directive="TODO $TAP_TODO"
	tap_n=$((tap_n + 1))
	if [ "$1" = 1 ]; then
		echo "ok $tap_n $2${directive:+ # $directive}"
	else
		echo "not ok $tap_n $2${directive:+ # $directive}"
		if [ -n "${TAP_TODO:-}" ]; then
			tap_todo_failed=$((tap_todo_failed + 1))
		else
			tap_failed=$((tap_failed + 1))
		fi
	fi
}

# check DESCRIPTION COMMAND...: a TAP line that passes when COMMAND does.
check() {
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then tap 1 "$what"; else tap 0 "$what"; fi
}

# json FILE FILTER: jq FILTER on run_dir/FILE, "missing" when it cannot be read.
json() {
	local value
	# an empty file (a program killed before it reported) is missing too
	if value=$(jq -r "$2" "$run_dir/$1" 2>/dev/null) && [ -n "$value" ]; then
		echo "$value"
	else
		echo missing
	fi
}

# gtest_tap ROLE REPORT EXPECTED: a TAP line per test of a GoogleTest JSON report, and
# one saying that EXPECTED tests ran (a crash or a lost test fails it). A skip passes
# only when the caller's expected_skip MESSAGE says the run explains it.
gtest_tap() {
	local role=$1 report=$2 expected=$3 rows ran=0 name result message ok
	if ! rows=$(jq -er '.testsuites[] | .name as $s | .testsuite[] |
		[$s + "." + .name, .result,
		 (if .result == "SKIPPED" then (.skip_reason // "") else ([.failures[]?.failure] | join(" ")) end
		  | gsub("[\n\t]"; " "))] | @tsv' "$report" 2>&1); then
		tap 0 "$role: smc_guest_tests produced no readable report ($report): $(head -c 200 <<<"$rows")"
		return
	fi
	while IFS=$'\t' read -r name result message; do
		ran=$((ran + 1))
		case "$result" in
		SKIPPED)
			if expected_skip "$message"; then
				tap 1 "$role $name" "SKIP $message"
			else
				tap 0 "$role $name" "unexpected SKIP: $message"
			fi
			;;
		*)
			if [ -z "$message" ]; then
				tap 1 "$role $name"
			else
				tap 0 "$role $name"
				printf '%s\n' "$message" | head -n 20 | sed 's/^/#   /'
			fi
			;;
		esac
	done <<<"$rows"
	if [ "$ran" -eq "$expected" ]; then ok=1; else ok=0; fi
	tap "$ok" "$role: all $expected tests of the suite ran (got $ran)"
}

# unload_tap [PREFIX [ROLE...]]: a TAP line per guest (default: client and server) for
# smc-vm's --unload: rmmod smc worked, rdma res showed no QP or CQ of SMC's afterwards,
# and smc loaded again.
unload_tap() {
	local prefix=${1:+$1: } role log ok roles=(client server)
	[ $# -lt 2 ] || roles=("${@:2}")
	for role in "${roles[@]}"; do
		log=$run_dir/$role/unload.log
		if grep -qx 'unloaded smc' "$log" 2>/dev/null && ! grep -q 'comm \[smc\]' "$log" &&
			grep -qx 'reloaded smc' "$log"; then ok=1; else ok=0; fi
		tap "$ok" "$prefix$role: rmmod smc leaves no SMC QP or CQ on rxe0, and smc loads again"
	done
}

# The series' KUnit suite and the guest command that runs it: the test module is in the
# debug kernel's module tree, which the guest's own modprobe does not know.
KUNIT_SUITE=smc-ib-cq
# kunit_command ROLE: a guest command that loads the suite and saves its KTAP in the run
# directory (ROLE/kunit.ktap).
kunit_command() {
	echo ". \$SMCVM_RUN/config.sh
modprobe -d \$SMCVM_IMAGE_ROOT -S \$SMCVM_KERNEL_ABI smc_ib_test &&
cat /sys/kernel/debug/kunit/$KUNIT_SUITE/results >\$SMCVM_RUN/$1/kunit.ktap"
}
# kunit_tap KTAP: a TAP line per case of the suite's KTAP, one that every case of its
# plan reported, one that the suite passed; sets kunit_cases.
kunit_tap() {
	local ktap=$1 plan result name
	kunit_cases=0
	if [ ! -s "$ktap" ]; then
		tap 0 "KUnit suite $KUNIT_SUITE left no results ($ktap)"
		return
	fi
	# Cases are the indented "ok N name" / "not ok N name" lines of the suite's KTAP;
	# its plan says how many there are.
	plan=$(sed -nE 's/^[[:space:]]+1\.\.([0-9]+)$/\1/p' "$ktap" | head -n 1)
	while read -r result name; do
		kunit_cases=$((kunit_cases + 1))
		tap "$([ "$result" = ok ] && echo 1 || echo 0)" "kunit $KUNIT_SUITE: $name"
	done < <(sed -nE 's/^[[:space:]]+(ok|not ok) [0-9]+ ([a-z0-9_]+).*$/\1 \2/p' "$ktap" | sed 's/^not ok/not_ok/')
	check "kunit $KUNIT_SUITE: all ${plan:-?} cases of its plan reported" test "$kunit_cases" = "${plan:-x}"
	check "kunit $KUNIT_SUITE: the suite passed" grep -qE "^ok [0-9]+ $KUNIT_SUITE\$" "$ktap"
}
