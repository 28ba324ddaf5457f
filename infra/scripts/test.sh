#!/usr/bin/env bash
# make test: tools -> test stack (DynamoDB Local in memory + moto on the test ports) -> fmt, clippy,
# every test, a short schemathesis run (make fuzz), the web UI's checks (types up to date, typecheck,
# vitest, Playwright), sam validate --lint, checkov -> stops what it started (a stack that was
# already up stays up).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export SAM_CLI_TELEMETRY="${SAM_CLI_TELEMETRY:-0}"

infra/scripts/install-tools.sh

ddb_port="${TEST_DDB_PORT:-8010}"
moto_port="${TEST_MOTO_PORT:-5010}"
export TEST_DDB_PORT="$ddb_port" TEST_MOTO_PORT="$moto_port"

stack_was_up=0
infra/scripts/local-stack.sh status --test >/dev/null 2>&1 && stack_was_up=1
stop_stack() {
  # A second Ctrl-C must not cut the clean-up short.
  trap '' INT TERM
  if [ "$stack_was_up" = 0 ]; then infra/scripts/local-stack.sh stop --test; fi
}
trap stop_stack EXIT
infra/scripts/local-stack.sh start --test

export AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port"
export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$ddb_port"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
# Never let a developer's real AWS profile leak into tests.
unset AWS_PROFILE AWS_SESSION_TOKEN

step() { echo; echo "==> $*"; }
step "cargo fmt --check"
cargo fmt --all --check
step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings
# Every SDK client records the AWS actions each function's code issues (shared::aws_ops); the
# IAM step below compares them with the functions' policies in template.yaml.
export AWS_OPERATIONS_LOG_DIR="$root/target/aws-operations"
rm -rf "$AWS_OPERATIONS_LOG_DIR"
if cargo nextest --version >/dev/null 2>&1; then
  step "cargo nextest run --workspace"
  cargo nextest run --workspace --no-fail-fast
  step "IAM policies in template.yaml vs the AWS actions the tests recorded"
  cargo nextest run -p e2e --test iam --run-ignored only
else
  step "cargo test --workspace (install cargo-nextest for faster runs: cargo install cargo-nextest --locked)"
  cargo test --workspace --no-fail-fast
  step "IAM policies in template.yaml vs the AWS actions the tests recorded"
  cargo test -p e2e --test iam -- --ignored
fi
# The API against its own document: a short schemathesis run (make fuzz runs 25 examples).
step "schemathesis: the API answers as /v1/openapi.json says (make fuzz, ${FUZZ_EXAMPLES:-3} examples per operation)"
FUZZ_EXAMPLES="${FUZZ_EXAMPLES:-3}" infra/scripts/fuzz.sh
step "web UI: API types match the OpenAPI document"
ui/scripts/gen-api.sh --check
step "web UI: typecheck, unit tests (vitest), build"
(cd ui && node_modules/.bin/tsc -b && node_modules/.bin/vitest run && node_modules/.bin/vite build --logLevel warn)
step "web UI: browser tests (Playwright + chromium + axe) against the dev server"
UI_TEST_SKIP_BUILD=1 infra/scripts/ui-test.sh
step "sam validate --lint"
.venv/bin/sam validate --lint --region us-east-1 --template template.yaml

# checkov: every finding fixed or skipped with its reason next to the resource (Metadata.checkov).
step "checkov (template.yaml)"
.venv-checkov/bin/checkov -f template.yaml --framework cloudformation --compact --quiet --skip-download
echo
echo "==> all checks passed"
