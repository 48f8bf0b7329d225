# SPDX-License-Identifier: GPL-2.0
# Generating patch files from the kernel tree. Sourced by kernel-export-patches and
# series-check so that exporting and checking use one and the same command.

# The subject prefix of each series (one place: kernel-export-patches writes it,
# series-check regenerates with it). The 6.1 series is a backport, not a posting.
if [ "$SMC_KERNEL" = mainline ]; then
	SERIES_SUBJECT_PREFIX="PATCH net-next v2"
else
	SERIES_SUBJECT_PREFIX="PATCH 6.1 backport v2"
fi

# format_series GITDIR BRANCH OUTDIR PREFIX [COVER]
# Writes 'git format-patch base..BRANCH' into OUTDIR (its patch files replaced) plus a
# 'series' file.
# With COVER (a file: subject line, blank line, body) a cover letter is generated from it.
# Everything that could vary between machines is pinned: commit ids are zeroed, no git
# version signature, fixed abbreviation, and the cover letter signed and dated like the
# last commit.
format_series() {
	local gitdir=$1 branch=$2 outdir=$3 prefix=$4 cover=${5:-} last_date last_name last_email
	local -a args=(--zero-commit --no-signature --subject-prefix="$prefix" -o "$outdir")

	# Only the patch files and the series file: net-smc-patches/ also holds the 6.1
	# backport's directory.
	mkdir -p "$outdir"
	rm -f "$outdir"/*.patch "$outdir/series"
	[ "$(git -C "$gitdir" rev-list --count "base..$branch")" -gt 0 ] || {
		: >"$outdir/series"
		return 0
	}
	if [ -n "$cover" ]; then
		args+=(--cover-letter --cover-from-description=subject)
	fi
	# The cover letter takes its From: and Date: from the committer identity.
	last_date=$(git -C "$gitdir" log -1 --format=%aI "$branch")
	last_name=$(git -C "$gitdir" log -1 --format=%an "$branch")
	last_email=$(git -C "$gitdir" log -1 --format=%ae "$branch")
	GIT_COMMITTER_DATE=$last_date GIT_COMMITTER_NAME=$last_name GIT_COMMITTER_EMAIL=$last_email \
	git -C "$gitdir" \
		-c core.abbrev=12 -c format.useAutoBase=false -c format.signOff=false \
		-c format.thread=false -c diff.noprefix=false -c diff.mnemonicPrefix=false \
		-c diff.renames=true -c "branch.$branch.description=$(cat "${cover:-/dev/null}")" \
		format-patch "${args[@]}" "base..$branch" >/dev/null
	(cd "$outdir" && ls -- *.patch | grep -v '^0000-cover-letter.patch$') >"$outdir/series"
}
