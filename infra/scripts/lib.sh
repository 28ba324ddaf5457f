# Helpers sourced by the scripts that start and stop local processes.

# Stops a process: SIGTERM, up to 5 s to exit, then SIGKILL.
terminate() {
  local pid="$1"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}
