#!/usr/bin/env bash
# The web UI's browser tests: builds the UI and the dev server, starts the dev server on the TEST
# stack (DynamoDB Local + moto on the test ports) with a fresh table, bus and queues of its own
# and the demo data, runs Playwright (Debian's chromium) against it, and stops it.
#
#   infra/scripts/ui-test.sh [playwright args...]     e.g. ui-test.sh e2e/journeys.spec.ts -g "journey 2"
#
# make test runs it on the stack it started; run alone, it starts the test stack if needed (and
# stops only what it started). UI_TEST_PORT (default 3120) is the dev server's port.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=lib.sh
. infra/scripts/lib.sh

ddb_port="${TEST_DDB_PORT:-8010}"
moto_port="${TEST_MOTO_PORT:-5010}"
export TEST_DDB_PORT="$ddb_port" TEST_MOTO_PORT="$moto_port"
port="${UI_TEST_PORT:-3120}"

if [ "${UI_TEST_SKIP_BUILD:-}" != 1 ]; then
  echo "==> building the web UI and the dev server"
  (cd ui && npm run --silent build)
  cargo build --quiet -p dev-server -p erp-simulator
fi

stack_was_up=0
infra/scripts/local-stack.sh status --test >/dev/null 2>&1 && stack_was_up=1
server_pid=""
erp_pid=""
cleanup() {
  trap '' INT TERM
  if [ -n "$server_pid" ]; then terminate "$server_pid"; fi
  if [ -n "$erp_pid" ]; then terminate "$erp_pid"; fi
  if [ "$stack_was_up" = 0 ]; then infra/scripts/local-stack.sh stop --test; fi
}
trap cleanup EXIT
[ "$stack_was_up" = 1 ] || infra/scripts/local-stack.sh start --test

logs="$root/target/ui-test"
mkdir -p "$logs"
# A fresh table, bus and queues per run: runs never see each other's data.
run_id="ui-e2e-$(date +%Y%m%d%H%M%S)-$$"
random() { head -c 24 /dev/urandom | base64 | tr -d '\n/+='; }
erp_key="$(random)"
# The reference ERP simulator (memory only, with its demo changes), so that "sync now" in the
# console pulls real changes: UI_TEST_ERP_PORT, default the dev server's port + 1.
erp_port="${UI_TEST_ERP_PORT:-$((port + 1))}"
erp_out_key="$(random)"
ERP_SIM_PORT="$erp_port" ERP_SIM_API_KEY="$erp_out_key" ERP_SIM_STATE_FILE="" \
  "$root/target/debug/erp-simulator" >"$logs/erp-sim.log" 2>&1 </dev/null &
erp_pid=$!
(
  export AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port"
  export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$ddb_port"
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
  unset AWS_PROFILE AWS_SESSION_TOKEN
  export ERP_BASE_URL="http://127.0.0.1:$erp_port" ERP_API_KEY_OUT="$erp_out_key"
  export TABLE_NAME="$run_id" EVENT_BUS_NAME="$run_id"
  export JWT_SECRET
  JWT_SECRET="$(random)$(random)"
  export ERP_API_KEY="$erp_key"
  export PORT="$port" HOST=127.0.0.1
  export PUBLIC_BASE_URL="http://127.0.0.1:$port"
  export UI_DIST_DIR="$root/ui/dist"
  exec "$root/target/debug/dev-server" serve
) >"$logs/dev-server.log" 2>&1 &
server_pid=$!

echo "==> dev server on :$port (table $run_id; log target/ui-test/dev-server.log)"
for _ in $(seq 1 600); do
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/v1/health"; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the dev server stopped; its log:" >&2
    tail -40 "$logs/dev-server.log" >&2
    exit 1
  fi
  sleep 0.2
done
curl -sf -o /dev/null "http://127.0.0.1:$port/v1/health" || { echo "the dev server did not answer" >&2; exit 1; }

echo "==> Playwright (chromium) against http://127.0.0.1:$port"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export UI_BASE_URL="http://127.0.0.1:$port"
export MOTO_URL="http://127.0.0.1:$moto_port"
export ERP_API_KEY="$erp_key"
(cd ui && node_modules/.bin/playwright test "$@")
