# SPDX-License-Identifier: GPL-2.0
# For guest scripts that wrap a command (trace-kprobes, cq-tasklet-hist): run it so
# that smc-vm's SIGTERM, which stops a server's command, reaches it, and the wrapper
# still gets to save what it collected. Source it; bash only.

# run_wrapped CMD [ARG...]: runs CMD, passing SIGTERM and SIGINT on to it; returns its
# exit status once it has ended.
run_wrapped() {
	local status
	"$@" &
	wrapped_child=$!
	trap 'kill -TERM "$wrapped_child" 2>/dev/null' TERM INT
	wait "$wrapped_child"
	status=$?
	# a trapped signal ends the first wait early; the command may still be finishing
	if kill -0 "$wrapped_child" 2>/dev/null; then
		wait "$wrapped_child"
		status=$?
	fi
	trap - TERM INT
	return "$status"
}
