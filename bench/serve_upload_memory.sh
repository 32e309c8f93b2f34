#!/usr/bin/env bash
# bench/serve_upload_memory.sh - what one checkpoint upload costs `trainchain serve` in memory, as
# a whole process: serve's peak resident memory (VmHWM) before and after posting an incompressible
# checkpoint of SIZE_MIB with curl, a few times, each against a fresh server.
#   bench/serve_upload_memory.sh [TRAINCHAIN] [SIZE_MIB] [RUNS]
set -euo pipefail
TRAINCHAIN=${1:-build/release/bin/trainchain}
SIZE_MIB=${2:-200}
RUNS=${3:-3}
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
head -c $((SIZE_MIB << 20)) /dev/urandom > "$work/ck"
hwm() { awk '/^VmHWM:/ {print $2}' /proc/$1/status; }
echo "upload_mib,peak_before_mib,peak_after_mib,grew_mib,grew_per_body"
for run in $(seq "$RUNS"); do
  ws="$work/ws$run"
  "$TRAINCHAIN" serve "$ws" --port 0 --mining-threads 1 --max-body-mb $((SIZE_MIB + 1)) > "$work/out$run" &
  pid=$!
  for _ in $(seq 100); do grep -q listening "$work/out$run" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -n 's/.*:\([0-9]*\) (token.*/\1/p' "$work/out$run")
  token=$(sed -n 's/.*"token": "\([0-9a-f]*\)".*/\1/p' "$ws/serve.json")
  base="http://127.0.0.1:$port/api/runs"
  curl -sf -H "Authorization: Bearer $token" -d '{"name":"r","nodes":3,"difficulty_bits":4}' "$base" > /dev/null
  before=$(hwm $pid)
  curl -sf -H "Authorization: Bearer $token" -H "Content-Type: application/octet-stream" \
    --data-binary @"$work/ck" "$base/r/epochs?epoch=1&accuracy=0.5&loss=1&test_loss=1" > /dev/null
  after=$(hwm $pid)
  kill $pid; wait $pid 2>/dev/null || true
  awk -v s="$SIZE_MIB" -v b="$before" -v a="$after" \
    'BEGIN { printf "%d,%.0f,%.0f,%.0f,%.2f\n", s, b/1024, a/1024, (a-b)/1024, (a-b)/1024/s }'
done
