#!/usr/bin/env bash
# make dev: tools -> local stack (DynamoDB Local + moto) -> the reference ERP simulator on
# :${ERP_SIM_PORT:-4000} -> dev server on http://localhost:${API_PORT:-3000}, serving the web UI
# (ui/dist, built first, then rebuilt on change by `vite build --watch`) beside the API.
# The dev server provisions the table, bus, queues and rules (idempotent), seeds the demo data once,
# serves every function's router, polls the queues and runs the schedules.
# `make erp-stop` / `make erp-start` (another terminal) play an ERP outage.
# Set ERP_BASE_URL (and ERP_API_KEY_OUT) to talk to a real ERP instead of the simulator.
# Ctrl-C stops the dev server and whatever part of the local stack this script started.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=lib.sh
. infra/scripts/lib.sh

infra/scripts/install-tools.sh

# Compile first: a compile error should not leave a stack running, and the stack is not idle meanwhile.
echo "==> building the dev server"
cargo build -p dev-server -p erp-simulator
echo "==> building the web UI (ui/dist)"
(cd ui && npm run --silent build)

ddb_port="${DDB_PORT:-8000}"
moto_port="${MOTO_PORT:-5000}"
export DDB_PORT="$ddb_port" MOTO_PORT="$moto_port"

stack_was_up=0
infra/scripts/local-stack.sh status >/dev/null 2>&1 && stack_was_up=1
simulated_erp=0
if [ -z "${ERP_BASE_URL:-}" ]; then simulated_erp=1; fi
ui_watch_pid=""
stop_stack() {
  # A second Ctrl-C must not cut the clean-up short.
  trap '' INT TERM
  if [ -n "$ui_watch_pid" ]; then terminate "$ui_watch_pid"; fi
  if [ "$simulated_erp" = 1 ]; then infra/scripts/erp-sim.sh stop >/dev/null || true; fi
  # Only what this run started: a stack that was already running keeps running.
  if [ "$stack_was_up" = 0 ]; then infra/scripts/local-stack.sh stop; fi
}
trap stop_stack EXIT
infra/scripts/local-stack.sh start

# The session signing key: generated once per clone, kept out of git (.local/ is ignored).
ensure_secret .local/jwt-secret 48

export AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port"
export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$ddb_port"
# Dummy credentials: the local stack accepts any, and a real profile must never be used here.
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN
export TABLE_NAME="${TABLE_NAME:-b2b-portal}"
export EVENT_BUS_NAME="${EVENT_BUS_NAME:-b2b-portal}"
export JWT_SECRET
JWT_SECRET="$(cat .local/jwt-secret)"
export PORT="${API_PORT:-3000}"

# The ERP: the reference simulator unless ERP_BASE_URL points to another one. Keys generated
# once per clone: the one the ERP presents to the inbound routes (ERP_API_KEY) and the one the
# portal presents to the ERP (ERP_API_KEY_OUT).
ensure_secret .local/erp-api-key 32
export ERP_API_KEY="${ERP_API_KEY:-$(cat .local/erp-api-key)}"
if [ "$simulated_erp" = 1 ]; then
  infra/scripts/erp-sim.sh start
  export ERP_BASE_URL="http://127.0.0.1:${ERP_SIM_PORT:-4000}"
  export ERP_API_KEY_OUT
  ERP_API_KEY_OUT="$(cat .local/erp-api-key-out)"
fi
# Retries while the ERP is down: from 5 s, doubling, at most 30 s apart here (AWS: 30 s and 15
# min), so an outage played by hand ends within half a minute of `make erp-start`.
export ERP_RETRY_BASE_SECONDS="${ERP_RETRY_BASE_SECONDS:-5}"
export ERP_OUTAGE_MAX_DELAY_SECONDS="${ERP_OUTAGE_MAX_DELAY_SECONDS:-30}"
# The seller's fiscal data printed on the documents (as the SellerLegalName... parameters in AWS).
export SELLER_LEGAL_NAME="${SELLER_LEGAL_NAME:-Distribuidora Demo S.A. de C.V.}"
export SELLER_TAX_ID="${SELLER_TAX_ID:-DDE990101AA1}"
export SELLER_ADDRESS="${SELLER_ADDRESS:-Av. Industrial 100, Monterrey, N.L.}"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://localhost:$PORT}"

# The UI is rebuilt on every change to ui/src (reload the page to see it); its log is in
# .local/ui-watch.log.
mkdir -p .local
(cd ui && exec node_modules/.bin/vite build --watch --logLevel warn) >.local/ui-watch.log 2>&1 &
ui_watch_pid=$!

# Logs are JSON lines (as in CloudWatch); LOG_FORMAT=pretty makes them easier to read.
# Not exec: the EXIT trap must run after the server stops (Ctrl-C reaches both; the server shuts
# down gracefully, then the trap stops the stack).
cargo run --quiet -p dev-server -- serve
