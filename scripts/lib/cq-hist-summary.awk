# SPDX-License-Identifier: GPL-2.0
# Summarizes a hist file of the tracepoint smc:smcr_cq_tasklet with the keys is_send,
# completed and budget_used (scripts/guest/cq-tasklet-hist), one line per direction:
#   DIR RUNS COMPLETIONS MEAN P50 P99 MAX BUDGET_RUNS BUDGET_RUNS% BUDGET_COMPLETIONS% OVER...
# where OVER is the % of runs with at least B completions for each B of -v compare="B...".
# The entries may come in any order: the percentiles are taken from per-value counts.
#   awk -v compare="16 32" -f cq-hist-summary.awk FILE

BEGIN { nb = split(compare, budget, " ") }

/^\{ is_send:/ {
	line = $0
	gsub(/[{},:]/, " ", line)
	# fields: is_send S completed C budget_used B hitcount H
	if (split(line, f, " ") != 8 || f[1] != "is_send" || f[3] != "completed" ||
	    f[5] != "budget_used" || f[7] != "hitcount") {
		printf "cq-hist-summary: %s:%d: not an entry of keys is_send, completed, budget_used\n",
			FILENAME, FNR > "/dev/stderr"
		bad = 1
		exit 1
	}
	entries++
	dir = f[2] ? "send" : "recv"
	c = f[4] + 0
	h = f[8] + 0
	runs[dir] += h
	completions[dir] += c * h
	at[dir, c] += h
	if (c > max[dir])
		max[dir] = c
	if (f[6]) {
		budget_runs[dir] += h
		budget_completions[dir] += c * h
	}
	for (i = 1; i <= nb; i++)
		if (c >= budget[i])
			over[dir, i] += h
}

# pct(D, P): completions of the run at fraction P of direction D's runs, smallest first
function pct(d, p,   c, acc, goal) {
	goal = runs[d] * p
	acc = 0
	for (c = 0; c <= max[d]; c++) {
		acc += at[d, c]
		if (acc >= goal)
			return c
	}
	return max[d]
}

END {
	if (bad)
		exit 1
	if (!entries) {
		printf "cq-hist-summary: %s: no histogram entries\n", FILENAME > "/dev/stderr"
		exit 1
	}
	split("recv send", dirs, " ")
	for (k = 1; k <= 2; k++) {
		d = dirs[k]
		if (!runs[d])
			continue
		printf "%s %d %d %.1f %d %d %d %d %.2f %.1f", d, runs[d], completions[d],
			completions[d] / runs[d], pct(d, 0.5), pct(d, 0.99), max[d], budget_runs[d],
			100 * budget_runs[d] / runs[d],
			completions[d] ? 100 * budget_completions[d] / completions[d] : 0
		for (i = 1; i <= nb; i++)
			printf " %.2f", 100 * over[d, i] / runs[d]
		printf "\n"
	}
}
