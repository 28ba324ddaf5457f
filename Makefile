# The user-facing commands. The logic lives in infra/scripts/ (plain bash, readable on their own).
#
#   make dev            local stack + dev server on http://localhost:$${API_PORT:-3000} (Ctrl-C stops it all)
#   make test           fmt, clippy, every test against a throwaway local stack, sam validate --lint
#   make lint           fmt + clippy + sam validate --lint + checkov (no tests)
#   make fuzz [FUZZ_EXAMPLES=25]
#                       schemathesis against /v1/openapi.json of a dev server on a fresh table, as a
#                       visitor, an admin and a buyer: every check, 0 failures (make test runs 3 examples)
#   make build          sam build: every function cross-compiled for arm64 (cargo-lambda + zig)
#   make deploy         sam deploy (guided the first time, then with samconfig.toml's defaults),
#                       then the web UI to S3 + CloudFront
#   make create-admin EMAIL=you@example.com NAME="Your Name" [PASSWORD=...]
#                       the first admin of a deployed stack
#   make bench [PARTS="catalog orders erp lambda load cost"]
#                       latency and DynamoDB request counts against a local stack (all parts by default);
#                       lambda: each function's size, cold start, warm latency and memory under a Runtime
#                       API emulator; load: 10/50/200 concurrent buyers with invariant checks; cost: AWS
#                       usage and USD per action (prices in infra/bench/aws-prices.json)
#   make erp-stop / erp-start / erp-status
#                       stop and start the ERP simulator make dev runs (an ERP outage, by hand)
#   make dev-reset      forget the local data (DynamoDB Local's files, the ERP simulator's state);
#                       the next make dev seeds again
#   make stack-start / stack-stop / stack-status    the dev local stack on its own
#   make tools          install the project-local tools (.venv, DynamoDB Local, ui/node_modules, chromium)
#   make ui-types       regenerate the OpenAPI document (functions/api-docs/openapi.json) and the web UI's API types (ui/src/api/schema.d.ts)
#   make ui-test [ARGS=...]  the web UI's browser tests alone (Playwright on the test stack)
#   make screenshots    docs/screenshots/*.png of the storefront, from a running make dev

SHELL := /usr/bin/env bash
SAM := .venv/bin/sam
export SAM_CLI_TELEMETRY ?= 0

.PHONY: fuzz ui-types ui-test screenshots dev erp-stop erp-start erp-status dev-reset test lint build deploy create-admin bench tools stack-start stack-stop stack-status clean

dev:
	@infra/scripts/dev.sh

test:
	@infra/scripts/test.sh

fuzz:
	@infra/scripts/fuzz.sh

tools:
	@infra/scripts/install-tools.sh

ui-types: tools
	@ui/scripts/gen-api.sh

ui-test: tools
	@infra/scripts/ui-test.sh $(ARGS)

# Needs make dev running (another terminal): it logs in as the demo buyer.
screenshots: tools
	@cd ui && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 node scripts/screenshots.mjs

lint: tools
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	$(SAM) validate --lint --region us-east-1 --template template.yaml
	.venv-checkov/bin/checkov -f template.yaml --framework cloudformation --compact --quiet --skip-download

build:
	@infra/scripts/build.sh

# First time (no [default.deploy] stack yet in your account): guided, which asks for the
# parameters (sender email, public URL...) and can save them to samconfig.toml.
# Then the web UI: ui/dist to the site bucket, CloudFront invalidated (infra/scripts/deploy.sh).
deploy: build
	@GUIDED="$(GUIDED)" infra/scripts/deploy.sh

create-admin:
	@EMAIL="$(EMAIL)" NAME="$(NAME)" PASSWORD="$(PASSWORD)" infra/scripts/create-admin.sh

bench:
	@infra/scripts/bench.sh $(PARTS)

erp-stop:
	@infra/scripts/erp-sim.sh stop

erp-start:
	@infra/scripts/erp-sim.sh start

erp-status:
	@infra/scripts/erp-sim.sh status

dev-reset:
	@if curl -s -o /dev/null --max-time 2 http://127.0.0.1:$${DDB_PORT:-8000}; then \
		echo "DynamoDB Local is running on :$${DDB_PORT:-8000}: stop make dev (or make stack-stop) first" >&2; exit 1; \
	fi
	@if curl -s -o /dev/null --max-time 2 http://127.0.0.1:$${ERP_SIM_PORT:-4000}/health; then \
		echo "the ERP simulator is running on :$${ERP_SIM_PORT:-4000}: stop make dev (or make erp-stop) first" >&2; exit 1; \
	fi
	rm -rf .local/dynamodb .local/erp-sim-state.json
	@echo "local data removed; make dev seeds the demo data again"

stack-start: tools
	@infra/scripts/local-stack.sh start

stack-stop:
	@infra/scripts/local-stack.sh stop

stack-status:
	@infra/scripts/local-stack.sh status

# Build outputs only; .local/ (DynamoDB data, JWT secret) and the tools are kept.
clean:
	cargo clean
	rm -rf .aws-sam
