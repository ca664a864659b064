#!/usr/bin/env bash
# Smoke test of a built bundle, run the way a user runs it: a clean environment with
# no virtualenv and no source tree on any path, from another directory.
set -euo pipefail
bundle=$(cd "${1:-dist/noc-console}" && pwd)
exe="$bundle/noc-console"
[ -x "$exe" ] || { echo "bundle-test: $exe not found; run make bundle first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
run() { env -i PATH=/usr/bin:/bin HOME="$work" QT_QPA_PLATFORM=offscreen LANG=C.UTF-8 "$exe" "$@"; }

start=$(date +%s%N)
run --demo --screenshot "$work/board.png"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
size=$(stat -c %s "$work/board.png")
[ "$size" -gt 20000 ] || { echo "bundle-test: screenshot is only $size bytes" >&2; exit 1; }
echo "screenshot: $size bytes in ${elapsed_ms} ms"

run --demo export --format json > "$work/open.json"
/usr/bin/python3 - "$work/open.json" <<'PY'
import json, sys
records = json.load(open(sys.argv[1]))
keys = {"source", "external_id", "client", "title", "status", "priority", "tier", "assignee",
        "created_at", "updated_at", "response_due", "resolution_due", "response_state",
        "resolution_state"}
assert records and all(keys <= set(r) for r in records), "export is missing keys"
print(f"export: {len(records)} open incidents")
PY
# Team mode's driver is in the bundle: it reaches the network (and is refused there).
out=$(run --db postgresql+psycopg://nobody@127.0.0.1:9/none db upgrade 2>&1) && {
  echo "bundle-test: db upgrade against a closed port succeeded" >&2; exit 1; }
case "$out" in
  *"Connection refused"*) echo "team mode driver: bundled" ;;
  *) echo "bundle-test: team mode driver: $out" >&2; exit 1 ;;
esac
run --version
echo "bundle-test: passed"
