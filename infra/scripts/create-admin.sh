#!/usr/bin/env bash
# make create-admin EMAIL=... NAME=... [PASSWORD=...]: the first staff admin of a REAL deployment.
# Uses the standard AWS credential chain (AWS_PROFILE, SSO, env vars). The table is TABLE_NAME, or
# the TableName output of the deployed stack (STACK_NAME, default b2b-portal).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

: "${EMAIL:?usage: make create-admin EMAIL=you@example.com NAME='Your Name' [PASSWORD=...]}"
: "${NAME:?usage: make create-admin EMAIL=you@example.com NAME='Your Name' [PASSWORD=...]}"

# A stack output, through the AWS CLI if installed, else boto3 (shipped with sam in the venv).
stack_output() {
  local key="$1" stack="${STACK_NAME:-b2b-portal}"
  if command -v aws >/dev/null 2>&1; then
    aws cloudformation describe-stacks --stack-name "$stack" ${AWS_REGION:+--region "$AWS_REGION"} \
      --query "Stacks[0].Outputs[?OutputKey=='$key'].OutputValue" --output text
  else
    STACK="$stack" KEY="$key" .venv/bin/python - <<'PY'
import os, boto3
stack = boto3.client("cloudformation").describe_stacks(StackName=os.environ["STACK"])["Stacks"][0]
print(next((o["OutputValue"] for o in stack.get("Outputs", []) if o["OutputKey"] == os.environ["KEY"]), ""))
PY
  fi
}

if [ -z "${TABLE_NAME:-}" ]; then
  TABLE_NAME=$(stack_output TableName)
fi
if [ -z "$TABLE_NAME" ] || [ "$TABLE_NAME" = None ]; then
  echo "could not find the table: set TABLE_NAME or deploy first (make deploy)" >&2
  exit 1
fi
if [ -z "${PASSWORD:-}" ] && [ -z "${PUBLIC_BASE_URL:-}" ]; then
  PUBLIC_BASE_URL=$(stack_output PublicBaseUrl)
  export PUBLIC_BASE_URL
fi
export TABLE_NAME
echo "==> creating admin $EMAIL in table $TABLE_NAME"
args=(create-admin --email "$EMAIL" --name "$NAME")
[ -n "${PASSWORD:-}" ] && args+=(--password "$PASSWORD")
cargo run --quiet -p dev-server -- "${args[@]}"
