#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/fault-sweep --judge on a run directory cut down from the patched module's sweep
# of 2026-11-27 (harness/tests/data/fault-sweep: six of its rounds, the client's console
# around N=45, whose failed CQ allocation printed the allocator's warning with a stack):
# that run passes, and each kind of broken promise added to a copy of it fails the
# verdict. TAP output.
#   fault_sweep_judge_test.sh REPO
set -uo pipefail
repo=${1:?usage: fault_sweep_judge_test.sh REPO}
fixture=$repo/harness/tests/data/fault-sweep
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0 failed=0
# verdict DIR: the last line of the judge's output
verdict() { "$repo/scripts/fault-sweep" --judge "$1" --step 4 2>&1 | tail -n 1 || true; }
# expect PASS|FAIL DESCRIPTION [EDIT]: EDIT (a command run in a fresh copy) then the verdict
expect() {
	local want=$1 what=$2 dir got
	dir=$work/case-$((n + 1))
	cp -r "$fixture" "$dir"
	if [ $# -gt 2 ]; then (cd "$dir" && eval "$3"); fi
	n=$((n + 1))
	got=$(verdict "$dir")
	if [[ "$got" == "# fault-sweep: $want "* ]]; then
		echo "ok $n $what"
	else
		echo "not ok $n $what"
		echo "#   got: $got"
		failed=1
	fi
}

echo "TAP version 13"
expect PASS "the saved rounds pass: the allocator's warning with its stack is expected"
expect FAIL "a KASAN report fails" \
	"echo '[  300.1] BUG: KASAN: slab-use-after-free in smc_wr_tx_tasklet_fn+0x1/0x2 [smc]' >>client/console.log"
expect FAIL "a stack that is not an allocation failure's fails" \
	"printf '%s\n' '[  300.1] Call Trace:' ' <TASK>' ' dump_stack_lvl+0x80/0xa0' ' smc_ib_cq_put+0x1/0x2 [smc]' ' </TASK>' >>server/console.log"
expect FAIL "a kmemleak suspect fails" "echo 'unreferenced object 0xff11 (size 2984):' >client/kmemleak.txt"
expect FAIL "an rmmod that the failure left refused fails" \
	"sed -i 's/^45\tyes\t\(.*\)\tok\tqp=0,cq=0$/45\tyes\t\1\trefused(refcnt=3)\t-/' client/sweep.tsv"
expect FAIL "a QP left after rmmod fails" "sed -i 's/^221\t\(.*\)qp=0,cq=0$/221\t\1qp=1,cq=0/' client/sweep.tsv"
expect FAIL "a connected socket whose exchange failed fails" \
	"sed -i 's/^9\tyes\tok\tok\t/9\tyes\tok\trecv:ECONNRESET\t/' client/sweep.tsv"
expect FAIL "a next connection without SMC-R fails" \
	"sed -i 's/^13\t\(.*\)\tok\tok\tqp=0,cq=0$/13\t\1\tfailed(errors=0 fallbacks=1)\tok\tqp=0,cq=0/' client/sweep.tsv"
expect FAIL "a sweep that stopped before the end of the connect path fails" "sed -i '/^225\t/d' client/sweep.tsv"
expect FAIL "a client whose command failed fails" "echo 1 >client/exit"
echo "1..$n"
exit "$failed"
