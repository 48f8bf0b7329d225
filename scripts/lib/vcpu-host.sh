# SPDX-License-Identifier: GPL-2.0
# The host's view of a guest's vCPUs: QEMU names its vCPU threads "CPU <n>/TCG" (or
# "/KVM") with -name ...,debug-threads=on. These helpers find them, cap each one's host
# CPU time with the cgroup cpu controller (v1 'cpu' or v2 'cpu.max'), and sample the CPU
# time each thread used. Source after common.sh.

# vcpu_threads PID: "<vcpu index> <tid>" per vCPU thread of QEMU process PID.
vcpu_threads() {
	local pid=$1 task comm
	for task in /proc/"$pid"/task/*; do
		comm=$(cat "$task/comm" 2>/dev/null) || continue
		case "$comm" in
		"CPU "*/TCG | "CPU "*/KVM)
			comm=${comm#CPU }
			echo "${comm%%/*} ${task##*/}"
			;;
		esac
	done | sort -n
}

# cgroup_cpu_root: where this host's cgroup cpu controller can be used, or nothing.
# v1: the 'cpu' hierarchy (cfs_quota_us); v2: the unified tree with 'cpu' enabled.
cgroup_cpu_root() {
	local v1 v2=/sys/fs/cgroup
	v1=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpu(,|$)/ { print $2; exit }' /proc/mounts)
	if [ -n "$v1" ] && [ -w "$v1" ] && [ -f "$v1/cpu.cfs_quota_us" ]; then
		echo "v1 $v1"
	elif [ -f "$v2/cgroup.controllers" ] && grep -qw cpu "$v2/cgroup.controllers" && [ -w "$v2" ]; then
		echo "v2 $v2"
	fi
}

# cap_why_not: why vCPU caps cannot be used here (empty when they can).
cap_why_not() {
	[ "$(id -u)" -eq 0 ] || { echo "not root"; return; }
	[ -n "$(cgroup_cpu_root)" ] || echo "no writable cgroup cpu controller (v1 'cpu' or v2 'cpu.max')"
}

# cap_thread GROUP_DIR TID PERCENT: a cgroup of its own for one thread, capped at
# PERCENT of one host CPU (period 10 ms).
cap_thread() {
	local dir=$1 tid=$2 pct=$3 kind root quota
	read -r kind root < <(cgroup_cpu_root)
	quota=$((pct * 100))
	mkdir -p "$dir"
	if [ "$kind" = v1 ]; then
		echo 10000 >"$dir/cpu.cfs_period_us"
		echo "$quota" >"$dir/cpu.cfs_quota_us"
		echo "$tid" >"$dir/tasks"
	else
		# threaded cgroups: the parent must allow it; a thread moves with cgroup.threads
		echo threaded >"$dir/cgroup.type" 2>/dev/null || true
		echo "$quota 10000" >"$dir/cpu.max"
		echo "$tid" >"$dir/cgroup.threads"
	fi
}

# cap_set_quota GROUP_DIR PERCENT|max: change a thread group's cap
cap_set_quota() {
	local dir=$1 pct=$2
	if [ -f "$dir/cpu.cfs_quota_us" ]; then
		echo "$([ "$pct" = max ] && echo -1 || echo $((pct * 100)))" >"$dir/cpu.cfs_quota_us"
	else
		echo "$([ "$pct" = max ] && echo max || echo $((pct * 100))) 10000" >"$dir/cpu.max"
	fi
}

# cap_base NAME: a fresh parent cgroup for one run's vCPU groups; prints its path.
cap_base() {
	local kind root dir
	read -r kind root < <(cgroup_cpu_root)
	dir=$root/smc-scale/$1
	mkdir -p "$root/smc-scale"
	if [ "$kind" = v2 ]; then
		grep -qw cpu "$root/cgroup.subtree_control" || echo +cpu >"$root/cgroup.subtree_control"
		grep -qw cpu "$root/smc-scale/cgroup.subtree_control" 2>/dev/null ||
			echo +cpu >"$root/smc-scale/cgroup.subtree_control"
	fi
	mkdir -p "$dir"
	[ "$kind" = v1 ] || { echo threaded >"$dir/cgroup.type" 2>/dev/null || true; echo +cpu >"$dir/cgroup.subtree_control" 2>/dev/null || true; }
	echo "$dir"
}

# cap_remove DIR: remove a run's cgroups once their threads are gone.
cap_remove() {
	local dir=$1 sub
	[ -d "$dir" ] || return 0
	for sub in "$dir"/*/; do
		[ -d "$sub" ] && rmdir "$sub" 2>/dev/null
	done
	rmdir "$dir" 2>/dev/null || true
}

# thread_ticks PID TID: utime+stime of one thread, in clock ticks.
thread_ticks() {
	local stat
	stat=$(cat "/proc/$1/task/$2/stat" 2>/dev/null) || { echo 0; return; }
	stat=${stat##*) }
	# fields after "(comm) ": state is $1, so utime (14) and stime (15) are $12 and $13
	set -- $stat
	echo $((${12} + ${13}))
}
