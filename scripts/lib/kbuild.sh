# SPDX-License-Identifier: GPL-2.0
# Out-of-tree module builds against the installed Debian headers (6.1) or a prepared
# build of the mainline tree. Sourced after load_kernel_env. One module directory of the
# kernel tree is built as an external module; headers the patches change under include/ are put in front of the Debian
# headers so a series that extends a uapi enum builds against its own definition.

# kbuild_export REV MODDIR OUT
# Export MODDIR (and every file under include/ that REV changes against base) from the
# kernel tree to OUT. Fails when REV changes anything else: an external module build
# could not take it, and silently building without it would test the wrong code.
kbuild_export() {
	local rev=$1 moddir=$2 out=$3 outside headers

	outside=$(git -C "$KERNEL_TREE" diff --name-only base "$rev" -- . ":!$moddir" ":!include" ":!Documentation")
	[ -z "$outside" ] || die "$rev changes files outside $moddir and include/, which an out-of-tree build cannot take: $outside"
	headers=$(git -C "$KERNEL_TREE" diff --name-only --diff-filter=AM base "$rev" -- include)
	rm -rf "$out"
	# Both overlay directories exist even when empty: W=1 warns about missing ones.
	mkdir -p "$out/include/uapi"
	# shellcheck disable=SC2086 # word splitting of the header list is intended
	git -C "$KERNEL_TREE" archive "$rev" "$moddir" $headers | tar -x -C "$out"
}

# kbuild_make OUT MODDIR LOG [make arguments...]
# Build the exported MODDIR; compiler output goes to LOG. Returns make's status.
kbuild_make() {
	local out=$1 moddir=$2 logfile=$3
	shift 3
	# Against a prepared tree (mainline) there is no Module.symvers: modpost may only warn.
	make -C "$KERNEL_HEADERS" M="$out/$moddir" \
		NOSTDINC_FLAGS="-nostdinc -I$out/include -I$out/include/uapi" \
		${KBUILD_NO_SYMVERS:+KBUILD_MODPOST_WARN=1} ${SPARSE:+CHECK="$SPARSE"} \
		-j"$(nproc)" "$@" modules >"$logfile" 2>&1
}

# kbuild_warnings LOG: compiler and sparse diagnostics of a build log, with the build
# directory removed from paths so logs of two builds can be compared line by line.
kbuild_warnings() {
	grep -E '(warning|error|note):' "$1" |
		sed -E 's#^.*/(net/smc|drivers/infiniband/sw/rxe)/#\1/#' | sort -u
}

# --- mainline: no Debian headers; the tree's own base, configured like the debug kernel.

# The config fragments of the kernels built from the mainline tree, in merge order after
# x86_64_defconfig and the tree's kernel/configs/kvm_guest.config.
MAINLINE_CONFIG_FRAGMENTS=("$SMC_REPO/kernel/configs/smc-testbed.config" "$SMC_REPO/kernel/configs/debug.config")

# mainline_build_stamp REV: what a build of REV with the mainline config depends on:
# the source tree, the config fragments and the compiler.
mainline_build_stamp() {
	echo "tree=$(git -C "$KERNEL_TREE" rev-parse "$1^{tree}") config=$(cat "${MAINLINE_CONFIG_FRAGMENTS[@]}" | sha1sum | cut -c1-40) cc=$(gcc -dumpfullversion)"
}

# mainline_worktree NAME REV: a worktree of the kernel tree at REV in $KDIR/src-NAME
# (made once, then checked out at REV's commit; prints its path). Object directories
# keep absolute source paths, so each user keeps its own worktree: 'base' for the
# prepared headers, 'debug' for the debug kernel.
mainline_worktree() {
	local name=$1 rev=$2 src=$KDIR/src-$1
	if [ ! -e "$src/.git" ]; then
		log "worktree $src"
		rm -rf "$src"
		git -C "$KERNEL_TREE" worktree prune
		git -C "$KERNEL_TREE" worktree add -q --detach "$src" "$rev" >&2
	fi
	git -C "$src" checkout -q -f --detach "$(git -C "$KERNEL_TREE" rev-parse "$rev")" >&2
	echo "$src"
}

# mainline_config SRC OBJ: OBJ/.config from x86_64_defconfig + kvm_guest.config + the
# fragments; fails when olddefconfig dropped an option a fragment asks for (a missing
# dependency drops it silently).
mainline_config() {
	local src=$1 obj=$2 line opt known missing=
	mkdir -p "$obj"
	make -C "$src" O="$obj" -s x86_64_defconfig >"$obj/config.log" 2>&1 ||
		die "defconfig failed; see $obj/config.log"
	(cd "$src" && KCONFIG_CONFIG="$obj/.config" ./scripts/kconfig/merge_config.sh -m -O "$obj" \
		"$obj/.config" kernel/configs/kvm_guest.config "${MAINLINE_CONFIG_FRAGMENTS[@]}") \
		>>"$obj/config.log" 2>&1 || die "merge_config failed; see $obj/config.log"
	make -C "$src" O="$obj" -s olddefconfig >>"$obj/config.log" 2>&1 ||
		die "olddefconfig failed; see $obj/config.log"
	# Options the series adds (SMC_KUNIT_TEST) do not exist in base: skip what no Kconfig
	# file of this source defines.
	known=$(grep -rhoE '^[[:space:]]*(menu)?config[[:space:]]+[A-Z0-9_]+' --include='Kconfig*' "$src" |
		awk '{ print "CONFIG_" $2 }' | sort -u)
	while IFS= read -r line; do
		opt=${line%%=*}
		grep -qxF "$opt" <<<"$known" || continue
		case "$line" in
		CONFIG_*=n)
			! grep -q "^$opt=" "$obj/.config" || missing+=" $line"
			;;
		CONFIG_*) grep -qxF "$line" "$obj/.config" || missing+=" $line" ;;
		esac
	done < <(cat "${MAINLINE_CONFIG_FRAGMENTS[@]}" | grep -E '^CONFIG_')
	[ -z "$missing" ] || die "the config lacks what kernel/configs asks for:$missing (see $obj/config.log)"
}

# kbuild_prepare_mainline: KERNEL_HEADERS becomes a modules_prepare'd build of base,
# against which kbuild_make builds single module directories as for 6.1. Cached by the
# base tree and the config inputs.
kbuild_prepare_mainline() {
	local src obj=$KDIR/build/headers stamp
	ensure_packages build-essential bc flex bison libelf-dev libssl-dev
	stamp=$(mainline_build_stamp base)
	KERNEL_HEADERS=$obj
	KBUILD_NO_SYMVERS=1
	if [ -f "$obj/PREPARED" ] && grep -qxF "$stamp" "$obj/PREPARED"; then
		return 0
	fi
	log "preparing $obj for module builds (modules_prepare of base)"
	src=$(mainline_worktree base base)
	rm -rf "$obj"
	mainline_config "$src" "$obj"
	make -C "$src" O="$obj" -j"$(nproc)" modules_prepare >"$obj/prepare.log" 2>&1 ||
		die "modules_prepare failed; see $obj/prepare.log"
	echo "$stamp" >"$obj/PREPARED"
}
