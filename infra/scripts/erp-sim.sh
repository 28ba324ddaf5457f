#!/usr/bin/env bash
# The reference ERP (infra/erp-simulator) for `make dev`, as its own process so that it can be
# stopped and started again while the portal runs: an ERP outage, played by hand.
#
#   infra/scripts/erp-sim.sh start|stop|status
#
# It listens on ${ERP_SIM_PORT:-4000}, requires the key in .local/erp-api-key-out (the portal's
# ERP_API_KEY_OUT) and keeps what it received in .local/erp-sim-state.json, so a restart keeps
# its orders, as a real ERP would (`make dev-reset` forgets it with the rest of the local data).
# The demo changes (an item, stock, the customer Acme and three of its documents) are loaded the
# first time only. Log: .local/erp-sim.log.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=lib.sh
. infra/scripts/lib.sh

port="${ERP_SIM_PORT:-4000}"
url="http://127.0.0.1:$port"
state_dir="$root/.local"
pid_file="$state_dir/erp-sim.pid"
mkdir -p "$state_dir"

answers() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url/health" 2>/dev/null || true)
  [ "$code" = 200 ]
}

live_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid=$(cat "$pid_file")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    echo "$pid"
  else
    rm -f "$pid_file"
    return 1
  fi
}

# The key both sides share: generated once per clone, kept out of git.
key_file="$state_dir/erp-api-key-out"
ensure_secret "$key_file" 32

case "${1:-}" in
  start)
    if answers; then
      echo "ERP simulator already answering on $url"
      exit 0
    fi
    bin="${CARGO_TARGET_DIR:-$root/target}/debug/erp-simulator"
    if [ ! -x "$bin" ]; then
      echo "==> building the ERP simulator"
      cargo build --quiet -p erp-simulator
    fi
    # setsid: its own session, so a Ctrl-C in the make dev terminal does not reach it; make dev
    # stops it in order on exit.
    ERP_SIM_PORT="$port" ERP_SIM_API_KEY="$(cat "$key_file")" \
      ERP_SIM_STATE_FILE="$state_dir/erp-sim-state.json" \
      setsid "$bin" >>"$state_dir/erp-sim.log" 2>&1 </dev/null &
    echo $! >"$pid_file"
    for _ in $(seq 1 100); do
      answers && break
      if ! live_pid >/dev/null; then
        echo "the ERP simulator exited during start-up; see .local/erp-sim.log:" >&2
        tail -n 20 "$state_dir/erp-sim.log" >&2 || true
        exit 1
      fi
      sleep 0.1
    done
    answers || { echo "the ERP simulator did not answer on $url" >&2; exit 1; }
    echo "ERP simulator up on $url (orders it received: $url/received)"
    ;;
  stop)
    if pid=$(live_pid); then
      terminate "$pid"
      echo "ERP simulator stopped: the portal now queues what it sends and retries"
    elif answers; then
      echo "an ERP simulator answers on $url but was not started by this script; not stopped" >&2
      exit 1
    else
      echo "ERP simulator is not running"
    fi
    rm -f "$pid_file"
    ;;
  status)
    if answers; then
      echo "ERP simulator: up on $url"
    else
      echo "ERP simulator: down"
      exit 1
    fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
