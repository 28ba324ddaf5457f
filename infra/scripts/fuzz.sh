#!/usr/bin/env bash
# make fuzz: schemathesis (from the project's .venv) against GET /v1/openapi.json of a dev server
# on the in-memory test stack, with every check schemathesis has (status codes, content types,
# response schemas and headers, server errors, negative and positive data, auth...), as a
# visitor, an admin and a buyer (the demo logins the dev server seeds). Any failure fails the run.
#
# It changes nothing that was there before: the dev server runs on a fresh table, bus and queues
# of their own (a unique name per run), dropped at the end; a stack this script started is stopped.
#
#   FUZZ_EXAMPLES    examples per operation and role (default 25; make test runs 3)
#   FUZZ_API_PORT    the dev server's port (default 3100)
#   FUZZ_ROLES       which roles (default "visitor admin buyer")
#   TEST_DDB_PORT / TEST_MOTO_PORT   the stack (default 8010 / 5010; a running one is reused)
#   FUZZ_REPORT_DIR  where the JUnit reports and the dev server's log go (default target/fuzz)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=lib.sh
. infra/scripts/lib.sh

examples="${FUZZ_EXAMPLES:-25}"
api_port="${FUZZ_API_PORT:-3100}"
roles="${FUZZ_ROLES:-visitor admin buyer}"
ddb_port="${TEST_DDB_PORT:-8010}"
moto_port="${TEST_MOTO_PORT:-5010}"
report_dir="${FUZZ_REPORT_DIR:-target/fuzz}"
export TEST_DDB_PORT="$ddb_port" TEST_MOTO_PORT="$moto_port"

infra/scripts/install-tools.sh >/dev/null
echo "==> building the dev server"
cargo build --quiet -p dev-server
server_bin="${CARGO_TARGET_DIR:-target}/debug/dev-server"

stack_was_up=0
infra/scripts/local-stack.sh status --test >/dev/null 2>&1 && stack_was_up=1
server_pid=""
export AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port"
export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$ddb_port"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN
# One name for the table, the bus and the queues of this run.
run_name="fuzz-$(date +%s)-$$"
export TABLE_NAME="$run_name" EVENT_BUS_NAME="$run_name"

cleanup() {
  trap '' INT TERM
  if [ -n "$server_pid" ]; then terminate "$server_pid"; fi
  if [ "$stack_was_up" = 0 ]; then
    infra/scripts/local-stack.sh stop --test >/dev/null
  else
    # The shared stack stays up: drop only what this run created.
    .venv/bin/python - "$run_name" <<'PY' || echo "fuzz: could not drop every resource of $run_name" >&2
import sys, boto3
name = sys.argv[1]
boto3.client("dynamodb").delete_table(TableName=name)
sqs = boto3.client("sqs")
for url in sqs.list_queues(QueueNamePrefix=name).get("QueueUrls", []):
    sqs.delete_queue(QueueUrl=url)
events = boto3.client("events")
for rule in events.list_rules(EventBusName=name).get("Rules", []):
    targets = events.list_targets_by_rule(Rule=rule["Name"], EventBusName=name)["Targets"]
    if targets:
        events.remove_targets(Rule=rule["Name"], EventBusName=name, Ids=[t["Id"] for t in targets])
    events.delete_rule(Name=rule["Name"], EventBusName=name)
events.delete_event_bus(Name=name)
PY
  fi
}
trap cleanup EXIT
infra/scripts/local-stack.sh start --test

mkdir -p "$report_dir"
# Throwaway secrets of this run; no ERP is connected (a sync started by the fuzzer just fails).
JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
ERP_API_KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n/+=')"
export JWT_SECRET ERP_API_KEY
export PORT="$api_port" HOST=127.0.0.1 PUBLIC_BASE_URL="http://localhost:$api_port"
unset ERP_BASE_URL ERP_API_KEY_OUT
echo "==> dev server on :$api_port (table $run_name)"
"$server_bin" serve >"$report_dir/dev-server.log" 2>&1 &
server_pid=$!
api="http://127.0.0.1:$api_port"
for _ in $(seq 1 240); do
  curl -s -o /dev/null --max-time 2 "$api/v1/health" && break
  kill -0 "$server_pid" 2>/dev/null || { tail -20 "$report_dir/dev-server.log" >&2; exit 1; }
  sleep 0.5
done
curl -sf -o /dev/null "$api/v1/health" || { echo "fuzz: the dev server did not answer" >&2; exit 1; }

login() {
  curl -sf -X POST "$api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"demo-password-1\"}" |
    .venv/bin/python -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

failed=()
for role in $roles; do
  auth=()
  case "$role" in
    visitor) ;;
    admin) auth=(-H "Authorization: Bearer $(login admin@example.com)") ;;
    buyer) auth=(-H "Authorization: Bearer $(login buyer@acme.example)") ;;
    *) echo "fuzz: unknown role $role" >&2; exit 2 ;;
  esac
  echo
  echo "==> schemathesis as $role ($examples examples per operation)"
  if ! .venv/bin/schemathesis --config-file infra/fuzz/schemathesis.toml run "$api/v1/openapi.json" \
    --max-examples "$examples" --seed 1 --no-color \
    --report junit --report-junit-path "$report_dir/$role.xml" \
    "${auth[@]}"; then
    failed+=("$role")
  fi
done

echo
if ((${#failed[@]})); then
  echo "==> fuzz: failures as: ${failed[*]} (reports in $report_dir)" >&2
  exit 1
fi
echo "==> fuzz: 0 failures as: $roles"
