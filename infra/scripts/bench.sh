#!/usr/bin/env bash
# make bench: the bench crate (infra/bench) against DynamoDB Local and moto on the test ports.
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
cargo run --release -p bench -- "$@"
