#!/bin/sh
# bench/chain_append_time.sh - `trainchain chain append` as a user runs it, timed as a whole process:
# N appends to an existing chain (chain_bench keeps the one it grows when TRAINCHAIN_BENCH_CHAIN_DIR
# is set), each under /usr/bin/time -v, with its wall time, peak memory and the proof of work's part
# (the "mining" the command prints), then the medians; and, for comparison, the process's start-up
# alone (`trainchain --version`).
#   usage: bench/chain_append_time.sh TRAINCHAIN DIR [N]   (N: 11 by default)
set -eu
if [ $# -lt 2 ]; then
    echo "usage: $0 TRAINCHAIN DIR [N]" >&2
    exit 2
fi
bin=$1
dir=$2
n=${3:-11}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The run's next epoch, from its history (the last epoch block's epoch + 1; rollbacks are not used
# here).
epoch=$("$bin" history "$dir" --json | python3 -c '
import json, sys
blocks = json.load(sys.stdin)
print(max([b["epoch"] for b in blocks if b["kind"] == "epoch"] or [0]) + 1)')

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: >"$work/rows"
i=0
while [ "$i" -lt "$n" ]; do
    head -c 1024 /dev/urandom >"$work/checkpoint"
    # Wall time to the microsecond (time -v prints hundredths of a second); time -v for the memory.
    start=$(date +%s%N)
    /usr/bin/time -v "$bin" chain append "$dir" --checkpoint "$work/checkpoint" --epoch "$epoch" \
        --accuracy 0.5 --loss 1 --threads 1 >"$work/out" 2>"$work/time"
    end=$(date +%s%N)
    wall=$(( (end - start) / 1000 ))
    wall=$(awk -v us="$wall" 'BEGIN { print us / 1000 }')
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 / 1024 }' "$work/time")
    mining=$(sed -n 's/.*(mining \([0-9.]*\),.*/\1/p' "$work/out")
    height=$(sed -n 's/^appended block \([0-9]*\).*/\1/p' "$work/out")
    echo "$height $wall $rss $mining" >>"$work/rows"
    printf 'block %s: wall %.0f ms, peak %.1f MiB, mining %s ms\n' "$height" "$wall" "$rss" "$mining"
    epoch=$((epoch + 1))
    i=$((i + 1))
done
printf 'median of %s: wall %s ms, peak %s MiB, mining %s ms, wall without mining %s ms\n' "$n" \
    "$(cut -d' ' -f2 "$work/rows" | median)" "$(cut -d' ' -f3 "$work/rows" | median)" \
    "$(cut -d' ' -f4 "$work/rows" | median)" \
    "$(awk '{ print $2 - $4 }' "$work/rows" | median)"

: >"$work/start"
i=0
while [ "$i" -lt "$n" ]; do
    start=$(date +%s%N)
    /usr/bin/time -v "$bin" --version >/dev/null 2>"$work/time"
    end=$(date +%s%N)
    awk -v us="$(( (end - start) / 1000 ))" 'BEGIN { print us / 1000 }' >>"$work/start"
    i=$((i + 1))
done
printf 'start-up alone (%s --version), median of %s: %s ms\n' "$bin" "$n" "$(median <"$work/start")"
