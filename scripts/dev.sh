#!/usr/bin/env bash
# `make dev`: builds the Worker, applies the D1 migrations to the local database and serves the
# Worker and the page on http://127.0.0.1:8787 with `wrangler dev`.
#
# With no Exotel credentials in .dev.vars (the default) the Worker runs its built-in simulator
# (sandbox mode): calls go nowhere, and the last digit of the number picks the outcome (see
# docs/http-api.md). Point .dev.vars at a real account or a mock to go live (.dev.vars.example).
#
# Env: DEV_PORT (default 8787), DEV_PERSIST (default .wrangler/state).
set -euo pipefail
cd "$(dirname "$0")/.."

export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_HIDE_BANNER=true
port="${DEV_PORT:-8787}"
persist="${DEV_PERSIST:-.wrangler/state}"
wrangler=node_modules/.bin/wrangler

scripts/install-tools.sh worker node

if [ ! -d www ]; then
  echo "[dev] www/ is missing: the page is served from there" >&2
  exit 1
fi

# `wrangler dev` runs scripts/build-deploy.sh itself (wrangler.toml [build]: the Worker and the
# page's copy of the npm package) and again when their sources change; the migrations don't
# need the build.
echo "[dev] applying D1 migrations to $persist" >&2
CI=true "$wrangler" d1 migrations apply DB --local --persist-to "$persist"

if [ -f .dev.vars ] && grep -qE '^[[:space:]]*EXOTEL_(API_KEY|MODE[[:space:]]*=[[:space:]]*"?live)' .dev.vars; then
  echo "[dev] .dev.vars configures Exotel: LIVE mode (calls go to EXOTEL_BASE_URL / EXOTEL_REGION)" >&2
else
  echo "[dev] no Exotel credentials in .dev.vars: SANDBOX mode (built-in simulator, no real calls)" >&2
fi
echo "[dev] page: http://127.0.0.1:$port/" >&2

# `wrangler dev` never fires the cron by itself; production runs it every minute
# (wrangler.toml [triggers]), so a loop beside it asks for one run a minute, as Cloudflare would,
# through `--test-scheduled`'s /__scheduled (the /cdn-cgi/handler/scheduled route hands a
# workers-rs Worker an event it cannot read).
cron=$(sed -n 's/^crons = \["\(.*\)"\]$/\1/p' wrangler.toml)
(
  trap 'exit 0' TERM INT
  while sleep 60; do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/__scheduled?cron=$(printf %s "$cron" | sed 's/ /+/g')" ||
      echo "[dev] the cron run did not answer (is wrangler still starting?)" >&2
  done
) &
cron_loop=$!
trap 'kill "$cron_loop" 2>/dev/null || true' EXIT
"$wrangler" dev --ip 127.0.0.1 --port "$port" --persist-to "$persist" --test-scheduled
