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
erp_pid=""
cleanup() {
  trap '' INT TERM
  if [ -n "${dev_server_pid:-}" ]; then terminate "$dev_server_pid"; fi
  if [ -n "$erp_pid" ]; then terminate "$erp_pid"; fi
  if [ "$stack_was_up" = 0 ]; then infra/scripts/local-stack.sh stop --test; fi
}
trap cleanup EXIT
[ "$stack_was_up" = 1 ] || infra/scripts/local-stack.sh start --test

logs="$root/target/ui-test"
mkdir -p "$logs"
# A fresh table, bus and queues per run: runs never see each other's data.
run_id="ui-e2e-$(date +%Y%m%d%H%M%S)-$$"
# The reference ERP simulator (memory only, with its demo changes), so that "sync now" in the
# console pulls real changes: UI_TEST_ERP_PORT, default the dev server's port + 1.
erp_port="${UI_TEST_ERP_PORT:-$((port + 1))}"
TEST_ERP_API_KEY_OUT="$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')"
ERP_SIM_PORT="$erp_port" ERP_SIM_API_KEY="$TEST_ERP_API_KEY_OUT" ERP_SIM_STATE_FILE="" \
  "$root/target/debug/erp-simulator" >"$logs/erp-sim.log" 2>&1 </dev/null &
erp_pid=$!
export TEST_ERP_BASE_URL="http://127.0.0.1:$erp_port" TEST_ERP_API_KEY_OUT
echo "==> dev server on :$port (table $run_id; log target/ui-test/dev-server.log)"
start_test_dev_server "$port" "$run_id" "$logs/dev-server.log"


echo "==> Playwright (chromium) against http://127.0.0.1:$port"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export UI_BASE_URL="http://127.0.0.1:$port"
export MOTO_URL="http://127.0.0.1:$moto_port"
export UI_TEST_TABLE="$run_id"
export ERP_API_KEY="$dev_server_erp_key"
(cd ui && node_modules/.bin/playwright test "$@")
