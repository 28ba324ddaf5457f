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

# Starts the dev server (target/debug/dev-server, built beforehand) on the TEST stack
# (TEST_DDB_PORT / TEST_MOTO_PORT), serving ui/dist on 127.0.0.1:$1 with a fresh table, bus and
# queues named $2 (and the demo data), logging to $3. Sets dev_server_pid and
# dev_server_erp_key (the key the ERP routes accept); waits until /v1/health answers.
start_test_dev_server() {
  local port="$1" name="$2" log="$3" root
  root="$(pwd)"
  random_key() { head -c 24 /dev/urandom | base64 | tr -d '\n/+='; }
  dev_server_erp_key="$(random_key)"
  (
    export AWS_ENDPOINT_URL="http://127.0.0.1:${TEST_MOTO_PORT:-5010}"
    export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:${TEST_DDB_PORT:-8010}"
    export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
    unset AWS_PROFILE AWS_SESSION_TOKEN ERP_BASE_URL
    # An ERP for "sync now" when the caller runs one (ui-test.sh runs the simulator).
    if [ -n "${TEST_ERP_BASE_URL:-}" ]; then
      export ERP_BASE_URL="$TEST_ERP_BASE_URL" ERP_API_KEY_OUT="${TEST_ERP_API_KEY_OUT:-}"
    fi
    export TABLE_NAME="$name" EVENT_BUS_NAME="$name"
    JWT_SECRET="$(random_key)$(random_key)"
    export JWT_SECRET ERP_API_KEY="$dev_server_erp_key"
    export PORT="$port" HOST=127.0.0.1 PUBLIC_BASE_URL="http://127.0.0.1:$port"
    export UI_DIST_DIR="$root/ui/dist"
    exec "$root/target/debug/dev-server" serve
  ) >"$log" 2>&1 &
  dev_server_pid=$!
  for _ in $(seq 1 600); do
    if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/v1/health"; then return 0; fi
    if ! kill -0 "$dev_server_pid" 2>/dev/null; then
      echo "the dev server stopped; its log ($log):" >&2
      tail -40 "$log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "the dev server did not answer on :$port" >&2
  return 1
}
