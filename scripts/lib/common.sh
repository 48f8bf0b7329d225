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

# kernel.env records the kernel the last fetch resolved; every later step reads it so
# that all artefacts come from one version.
KERNEL_ENV=$SMC_CACHE/kernel.env

load_kernel_env() {
	[ -f "$KERNEL_ENV" ] || die "no kernel fetched yet ($KERNEL_ENV missing): run 'make kernel' first"
	# shellcheck source=/dev/null
	. "$KERNEL_ENV"
	KDIR=$SMC_CACHE/kernel/$KERNEL_VERSION
	KERNEL_IMAGE_ROOT=$KDIR/image
	KERNEL_TREE=$KDIR/linux
	KERNEL_HEADERS=/usr/src/linux-headers-$KERNEL_ABI
	KERNEL_MODULES_OUT=$KDIR/modules
	KERNEL_VMLINUZ=$KERNEL_IMAGE_ROOT/boot/vmlinuz-$KERNEL_ABI
}

# prune_runs DIR KEEP: keep the KEEP most recently modified run directories in DIR,
# whatever their names, and remove the others.
prune_runs() {
	local dir=$1 keep=$2
	[ -d "$dir" ] || return 0
	find "$dir" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn |
		tail -n +"$((keep + 1))" | cut -d' ' -f2- | xargs -r -d '\n' rm -rf
}

mkdir -p "$SMC_CACHE" 2>/dev/null || true
