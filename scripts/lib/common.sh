# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the scripts in scripts/. Source it; it defines no side effects
# beyond variables and functions.

# Where downloads, unpacked trees, builds and run directories live. Outside the repo so
# that a fresh clone reuses them; override with SMC_CACHE.
SMC_CACHE=${SMC_CACHE:-/var/cache/smc-scale}
SMC_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# The step name every message is prefixed with; scripts set it as they go.
SMC_STEP=${SMC_STEP:-$(basename "$0")}

log() { printf '[%s] %s\n' "$SMC_STEP" "$*" >&2; }

die() {
	printf '[%s] error: %s\n' "$SMC_STEP" "$*" >&2
	exit 1
}

need_root() {
	[ "$(id -u)" -eq 0 ] || die "must run as root (apt-get, dpkg and module builds need it)"
}

# Install Debian packages that are missing; quiet when all are there.
ensure_packages() {
	local missing=() pkg
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	need_root
	log "installing ${missing[*]}"
	# Packages with a service (nginx) must not start it on the host: the project runs
	# its servers itself, in the guests. policy-rc.d is Debian's switch for that.
	local policy=/usr/sbin/policy-rc.d own_policy=0
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
		>"$SMC_CACHE/apt-install.log" 2>&1 ||
		{ apt-get update -q >"$SMC_CACHE/apt-update.log" 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			"${missing[@]}" >"$SMC_CACHE/apt-install.log" 2>&1; } ||
		{ [ "$own_policy" = 0 ] || rm -f "$policy"; die "apt-get install ${missing[*]} failed; see $SMC_CACHE/apt-install.log"; }
	[ "$own_policy" = 0 ] || rm -f "$policy"
}

# SMC_KERNEL names the kernel a step works on: 6.1 (Debian 12's, the default: image,
# headers and source from bookworm) or mainline (the newest linux-source the archive's
# experimental or sid suites have; a kernel of our own is built from it).
# kernel_select: set the paths of the kernel SMC_KERNEL names; run again by a script
# whose option changes SMC_KERNEL (smc-vm --kernel).
kernel_select() {
	case "$SMC_KERNEL" in
	6.1)
		# kernel.env records the kernel the last fetch resolved; every later step reads it
		# so that all artefacts come from one version.
		KERNEL_ENV=$SMC_CACHE/kernel.env
		KERNEL_FETCH=kernel-fetch
		# The 6.1 series is the backport of the mainline one.
		SERIES_DIR=$SMC_REPO/net-smc-patches/6.1
		TESTBED_DIR=$SMC_REPO/kernel/testbed-patches/6.1
		COVER_LETTER=$SMC_REPO/kernel/cover-letter-6.1.txt
		;;
	mainline)
		KERNEL_ENV=$SMC_CACHE/kernel-mainline.env
		KERNEL_FETCH=kernel-fetch-mainline
		SERIES_DIR=$SMC_REPO/net-smc-patches
		TESTBED_DIR=$SMC_REPO/kernel/testbed-patches/mainline
		COVER_LETTER=$SMC_REPO/kernel/cover-letter.txt
		;;
	*)
		printf '[%s] error: SMC_KERNEL=%s: must be 6.1 or mainline\n' "$SMC_STEP" "$SMC_KERNEL" >&2
		exit 1
		;;
	esac
}
SMC_KERNEL=${SMC_KERNEL:-6.1}
kernel_select

# The out-of-tree modules and the guests use Debian's 6.1 image and headers; the mainline
# kernel is built whole (scripts/debug-kernel).
require_kernel_6_1() {
	[ "$SMC_KERNEL" = 6.1 ] || die "$(basename "$0") works on Debian's 6.1 only (SMC_KERNEL=$SMC_KERNEL)"
}

load_kernel_env() {
	[ -f "$KERNEL_ENV" ] || die "no $SMC_KERNEL kernel fetched yet ($KERNEL_ENV missing): run 'make kernel KERNEL=$SMC_KERNEL' first"
	# shellcheck source=/dev/null
	. "$KERNEL_ENV"
	if [ "$SMC_KERNEL" = mainline ]; then
		KDIR=$SMC_CACHE/kernel/mainline-$KERNEL_VERSION
		KERNEL_SOURCE_TARBALL=linux-source-$KERNEL_SERIES
		# The guests boot a debug kernel of our own (scripts/debug-kernel), the
		# variant SMC_DEBUG_VARIANT names (stock or patched), once it is built.
		local debug=$KDIR/debug/${SMC_DEBUG_VARIANT:-patched}
		KERNEL_ABI= KERNEL_IMAGE_ROOT= KERNEL_VMLINUZ=
		if [ -f "$debug/BUILD_INFO" ]; then
			KERNEL_ABI=$(sed -n 's/^release=//p' "$debug/BUILD_INFO")
			KERNEL_IMAGE_ROOT=$debug/root
			KERNEL_VMLINUZ=$debug/bzImage
		fi
	else
		KDIR=$SMC_CACHE/kernel/$KERNEL_VERSION
		KERNEL_SOURCE_TARBALL=linux-source-6.1
		KERNEL_IMAGE_ROOT=$KDIR/image
		KERNEL_HEADERS=/usr/src/linux-headers-$KERNEL_ABI
		KERNEL_VMLINUZ=$KERNEL_IMAGE_ROOT/boot/vmlinuz-$KERNEL_ABI
	fi
	KERNEL_TREE=$KDIR/linux
	KERNEL_MODULES_OUT=$KDIR/modules
}

# kdir_of 6.1|mainline: that kernel's cache directory (KDIR), whichever kernel this
# script works on; fails with load_kernel_env's message when it was not fetched.
kdir_of() {
	(SMC_KERNEL=$1 && kernel_select && load_kernel_env && echo "$KDIR")
}

# What a guest's console must not show (a stack, "Call Trace", is matched apart: the
# fault sweep expects the allocator's).
CONSOLE_PROBLEMS='Oops|BUG:|kernel BUG|WARNING:|blocked for more than|Kernel panic|general protection fault|refcount_t:|detected stalls? on CPU'

# prune_runs DIR KEEP: keep the KEEP most recently modified run directories in DIR,
# whatever their names, and remove the others.
prune_runs() {
	local dir=$1 keep=$2
	[ -d "$dir" ] || return 0
	find "$dir" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn |
		tail -n +"$((keep + 1))" | cut -d' ' -f2- | xargs -r -d '\n' rm -rf
}

mkdir -p "$SMC_CACHE" 2>/dev/null || true
