#!/usr/bin/env bash
# make deploy: sam deploy (guided the first time), then the web UI: ui/dist uploaded to the site
# bucket and CloudFront invalidated (infra/scripts/upload-site.py). When PublicBaseUrl was left
# empty, the functions' email links are pointed at the site's CloudFront URL with one more deploy
# (a template cannot hand a distribution's URL to the functions it routes to: that is a cycle).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export SAM_CLI_TELEMETRY="${SAM_CLI_TELEMETRY:-0}"
export PATH="$root/.venv/bin:$PATH"
stack="${STACK_NAME:-b2b-portal}"

echo "==> building the web UI (ui/dist)"
(cd ui && npm run --silent build)

if [ -n "${GUIDED:-}" ] || ! grep -q '^parameter_overrides' samconfig.toml; then
  sam deploy --guided
else
  sam deploy
fi

# The region sam deploy used: AWS_REGION, else samconfig.toml's.
region="${AWS_REGION:-$(sed -n 's/^region = "\(.*\)"/\1/p' samconfig.toml | head -1)}"
output() {
  python - "$stack" "$1" "$region" <<'PY'
import sys, boto3
stack, key, region = sys.argv[1], sys.argv[2], sys.argv[3] or None
outs = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]
print(next((o["OutputValue"] for o in outs if o["OutputKey"] == key), ""))
PY
}

echo "==> uploading the web UI"
python infra/scripts/upload-site.py "$stack" "$region"

site_url="$(output SiteUrl)"
base_url="$(output PublicBaseUrl)"
configured="$(python - "$stack" "$region" <<'PY'
import sys, boto3
stack, region = sys.argv[1], sys.argv[2] or None
params = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack)["Stacks"][0].get("Parameters", [])
print(next((p.get("ParameterValue", "") for p in params if p["ParameterKey"] == "PublicBaseUrl"), ""))
PY
)"
if [ -z "$configured" ]; then
  echo "==> PublicBaseUrl is empty: pointing the email links at $site_url"
  sam deploy --no-confirm-changeset --parameter-overrides "PublicBaseUrl=$site_url"
  base_url="$site_url"
fi
echo
echo "  web portal   $site_url   (staff console: $site_url/admin)"
echo "  email links  $base_url"
