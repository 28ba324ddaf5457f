#!/usr/bin/env bash
# make build: sam build of every function (BuildMethod rust-cargolambda, arm64), cross-compiled
# with cargo-lambda and zig from the project venv. All functions build into one target directory
# (target/sam), so the shared dependencies compile once.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export SAM_CLI_TELEMETRY="${SAM_CLI_TELEMETRY:-0}"

infra/scripts/install-tools.sh
if ! rustup target list --installed | grep -qx aarch64-unknown-linux-gnu; then
  echo "==> rustup target add aarch64-unknown-linux-gnu"
  rustup target add aarch64-unknown-linux-gnu
fi
# cargo-lambda and zig (ziglang's `python -m ziglang`) come from the venv.
export PATH="$root/.venv/bin:$PATH"
# Every function builds into this one target directory, so the shared dependencies compile once.
# It is not the workspace's `target/`: the cross build's host artifacts (build scripts, macros)
# would share `target/release` with host release builds (make bench) and wait on its lock.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/sam}"
sam build --beta-features "$@"
