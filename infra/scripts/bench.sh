#!/usr/bin/env bash
# make bench: the bench crate (infra/bench) against DynamoDB Local and moto on the test ports, and
# the web UI's figures (part `ui`, ui/scripts/bench-ui.mjs) against a dev server on that stack.
# Part `lambda` (infra/bench/src/lambda.rs) builds every function itself (native release per
# package, arm64 through infra/scripts/build.sh) and runs each under the crate's Runtime API
# emulator; LAMBDA_BENCH_PORT (default: any free port) and LAMBDA_BENCH_ARM64=skip tune it.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

infra/scripts/install-tools.sh
export TEST_DDB_PORT="${TEST_DDB_PORT:-8010}" TEST_MOTO_PORT="${TEST_MOTO_PORT:-5010}"
stack_was_up=0
infra/scripts/local-stack.sh status --test >/dev/null 2>&1 && stack_was_up=1
stop_stack() {
  # A second Ctrl-C must not cut the clean-up short.
  trap '' INT TERM
  if [ "$stack_was_up" = 0 ]; then infra/scripts/local-stack.sh stop --test; fi
}
trap stop_stack EXIT
infra/scripts/local-stack.sh start --test

export AWS_ENDPOINT_URL="http://127.0.0.1:$TEST_MOTO_PORT"
export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$TEST_DDB_PORT"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN
# The `ui` part (infra/scripts/bench.sh ui, or make bench PARTS=ui) is run here: the others are
# the bench crate's (catalog, orders, erp, load, cost). `load` listens on LOAD_PORT (3160) and the
# next port (its ERP simulator); `cost` on COST_PORT (3162) and the next; LOAD_SECONDS shortens
# each load level for a quick try (default 30).
parts=()
ui_part=0
if [ "$#" = 0 ]; then ui_part=1; fi
for part in "$@"; do
  if [ "$part" = ui ]; then ui_part=1; else parts+=("$part"); fi
done
if [ "$#" = 0 ] || [ "${#parts[@]}" -gt 0 ]; then
  cargo run --release -p bench -- "${parts[@]}"
fi

if [ "$ui_part" = 1 ]; then
  # ui_storefront_js_gzip_kb and ui_catalog_first_render_ms (ui/scripts/bench-ui.mjs): the dev
  # server with the demo data on a fresh table, plus the bench catalog (BENCH_ITEMS, default
  # 100,000 items with prices and stock, for the demo buyer's price list and warehouse).
  echo "==> ui: building the web UI and the dev server"
  (cd ui && npm run --silent build)
  cargo build --quiet -p dev-server
  # The seed's speed is not measured: the release build when the other parts built it, else the
  # (much quicker to build) debug one.
  bench_bin=target/release/bench
  if [ "$#" != 0 ] && [ "${#parts[@]}" = 0 ]; then
    cargo build --quiet -p bench
    bench_bin=target/debug/bench
  fi
  # shellcheck source=lib.sh
  . infra/scripts/lib.sh
  port="${UI_BENCH_PORT:-3121}"
  name="ui-bench-$(date +%Y%m%d%H%M%S)-$$"
  mkdir -p target/bench
  start_test_dev_server "$port" "$name" target/bench/ui-dev-server.log
  ui_server="$dev_server_pid"
  stop_ui() {
    trap '' INT TERM
    terminate "$ui_server"
    stop_stack
  }
  trap stop_ui EXIT
  echo "==> ui: seeding the bench catalog into $name"
  TABLE_NAME="$name" "$bench_bin" ui-seed
  echo "==> ui: measuring in chromium"
  (cd ui && UI_BASE_URL="http://127.0.0.1:$port" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 node scripts/bench-ui.mjs)
fi
