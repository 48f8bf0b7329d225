# SPDX-License-Identifier: GPL-2.0
# Out-of-tree module builds against the installed Debian headers. Sourced after
# load_kernel_env. One module directory of the kernel tree is built as an external
# module; headers the patches change under include/ are put in front of the Debian
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
	make -C "$KERNEL_HEADERS" M="$out/$moddir" \
		NOSTDINC_FLAGS="-nostdinc -I$out/include -I$out/include/uapi" \
		-j"$(nproc)" "$@" modules >"$logfile" 2>&1
}

# kbuild_warnings LOG: compiler and sparse diagnostics of a build log, with the build
# directory removed from paths so logs of two builds can be compared line by line.
kbuild_warnings() {
	grep -E '(warning|error|note):' "$1" |
		sed -E 's#^.*/(net/smc|drivers/infiniband/sw/rxe)/#\1/#' | sort -u
}
