#!/usr/bin/env bash
# make create-admin EMAIL=... NAME=... [PASSWORD=...]: the first staff admin of a REAL deployment.
# Uses the standard AWS credential chain (AWS_PROFILE, SSO, env vars). The table is TABLE_NAME, or
# the TableName output of the deployed stack (STACK_NAME, default b2b-portal).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

: "${EMAIL:?usage: make create-admin EMAIL=you@example.com NAME='Your Name' [PASSWORD=...]}"
: "${NAME:?usage: make create-admin EMAIL=you@example.com NAME='Your Name' [PASSWORD=...]}"

if [ -z "${TABLE_NAME:-}" ]; then
  stack="${STACK_NAME:-b2b-portal}"
  region_args=()
  [ -n "${AWS_REGION:-}" ] && region_args=(--region "$AWS_REGION")
  if command -v aws >/dev/null 2>&1; then
    TABLE_NAME=$(aws cloudformation describe-stacks --stack-name "$stack" "${region_args[@]}" \
      --query "Stacks[0].Outputs[?OutputKey=='TableName'].OutputValue" --output text)
  else
    # sam (in the venv) ships boto3, which reads the same credentials as the AWS CLI.
    TABLE_NAME=$(STACK="$stack" .venv/bin/python - <<'PY'
import os, boto3
stack = boto3.client("cloudformation").describe_stacks(StackName=os.environ["STACK"])["Stacks"][0]
print(next(o["OutputValue"] for o in stack["Outputs"] if o["OutputKey"] == "TableName"))
PY
)
  fi
fi
if [ -z "$TABLE_NAME" ] || [ "$TABLE_NAME" = None ]; then
  echo "could not find the table: set TABLE_NAME or deploy first (make deploy)" >&2
  exit 1
fi
export TABLE_NAME
echo "==> creating admin $EMAIL in table $TABLE_NAME"
args=(create-admin --email "$EMAIL" --name "$NAME")
[ -n "${PASSWORD:-}" ] && args+=(--password "$PASSWORD")
cargo run --quiet -p dev-server -- "${args[@]}"
