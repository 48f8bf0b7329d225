#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/cq-budget --summarize on the client's histogram of the run with 800 connections
# and one CQ pair (2026-11-27 10:24 UTC, Documentation/series.md): the table matches the
# one worked out separately from the entries, entries in any order give the same table,
# and a file that is not such a histogram is an error. TAP output.
#   cq_budget_summary_test.sh REPO
set -uo pipefail
repo=${1:?usage: cq_budget_summary_test.sh REPO}
data=$repo/harness/tests/data/cq-hist
hist=$data/vectors-1/client/cq-hist.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0 failed=0
check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; failed=1; fi
}

echo "TAP version 13"
out=$("$repo/scripts/cq-budget" --summarize "$hist" 2>&1)
[ "$out" = "$(cat "$data/expected.txt")" ]
check $? "the table of the saved histogram is the expected one"
[ "$out" = "$(cat "$data/expected.txt")" ] || diff <(echo "$out") "$data/expected.txt" | sed 's/^/# /'

mkdir -p "$work/vectors-1/client"
tac "$hist" >"$work/vectors-1/client/cq-hist.txt"
[ "$("$repo/scripts/cq-budget" --summarize "$work/vectors-1/client/cq-hist.txt" 2>&1)" = "$out" ]
check $? "entries in reverse order give the same table"

grep -v '^{' "$hist" >"$work/empty.txt"
"$repo/scripts/cq-budget" --summarize "$work/empty.txt" >/dev/null 2>&1
[ $? = 1 ]
check $? "a histogram without entries is an error"

sed 's/budget_used/stalled/' "$hist" >"$work/other-keys.txt"
"$repo/scripts/cq-budget" --summarize "$work/other-keys.txt" >/dev/null 2>&1
[ $? = 1 ]
check $? "a histogram of other keys is an error"

echo "1..$n"
exit "$failed"
