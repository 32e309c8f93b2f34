#!/usr/bin/env bash
# scripts/demo-gas-summary.sh RUN_DIR OUT_DIR - the demo's gas step: measures the run in RUN_DIR
# with `trainchain report gas --chain`, writes the full report to OUT_DIR (which must not exist),
# and prints its Totals section onwards (measured per-block gas beside the paper's printed
# figures, then the findings). scripts/demo.sh and tests/functional/cli_report_e2e_test.cpp both call it.
set -euo pipefail
bin=${TRAINCHAIN:-build/bin/trainchain}
[ $# -eq 2 ] || { echo "usage: $0 RUN_DIR OUT_DIR" >&2; exit 2; }
run=$1
out=$2
"$bin" report gas --chain "$run" -o "$out" -q > /dev/null
# The report's heading (reports/src/gas_report.cpp, gas_markdown): "## Totals".
summary=$(sed -n '/^## Totals$/,$p' "$out/gas.md")
if [ -z "$summary" ]; then
  echo "error: $out/gas.md has no '## Totals' section" >&2
  exit 1
fi
printf '%s\n' "$summary"
