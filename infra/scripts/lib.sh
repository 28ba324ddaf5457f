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

# Creates a secret file (readable by its owner only) of random base64 from `bytes` random bytes,
# unless it is already there: keys generated once per clone, kept out of git (.local/).
ensure_secret() {
  local file="$1" bytes="$2"
  if [ ! -s "$file" ]; then
    mkdir -p "$(dirname "$file")"
    (umask 077 && head -c "$bytes" /dev/urandom | base64 | tr -d '\n/+=' >"$file")
  fi
}
