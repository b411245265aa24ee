#!/usr/bin/env bash
# Lighthouse accessibility and best-practices scores of the release build, mobile and desktop,
# in the same headless Chromium the tests use. Lighthouse (pinned) is installed by npx into
# npm's cache, not into the project: it is a measuring tool, not a test dependency.
# Usage: scripts/lighthouse.sh [port]   (after `make build`)
set -euo pipefail
PORT=${1:-8093}
OUT=${LIGHTHOUSE_OUT:-target/lighthouse}
mkdir -p "$OUT"
node scripts/serve.mjs dist "$PORT" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.1; done
for preset in mobile desktop; do
  flags=()
  [ "$preset" = desktop ] && flags=(--preset=desktop)
  CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium} npx --yes lighthouse@12.8.2 "http://127.0.0.1:$PORT/" \
    --only-categories=accessibility,best-practices "${flags[@]}" \
    --chrome-flags="--headless=new --no-sandbox" --output=json --output-path="$OUT/$preset.json" --quiet
  node -e '
    const r = require(process.argv[1]);
    const s = Object.entries(r.categories).map(([k, c]) => `${k} ${Math.round(c.score * 100)}`).join(", ");
    console.log(`${process.argv[2]}: ${s} (Lighthouse ${r.lighthouseVersion})`);
    for (const a of Object.values(r.audits))
      if (a.score !== null && a.score < 1 && !["informative", "notApplicable", "manual"].includes(a.scoreDisplayMode))
        console.log(`  - ${a.id}: ${a.title}`);
  ' "$PWD/$OUT/$preset.json" "$preset"
done
