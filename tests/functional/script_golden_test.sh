#!/bin/sh
# tests/functional/script_golden_test.sh - runs `trainchain exec --script` at -O0 and -O1 on every
# tests/golden/scripts/**/*.json: each must exit 0 (every expectation met), or 1 for a file whose
# name ends in .fail.json (an expectation is meant to fail). Files are found when the test runs, so
# new scripts need no reconfiguration.
# Usage: script_golden_test.sh TRAINCHAIN SCRIPTS_DIR [INCLUDE_PATH] [SKIP_DIR]
# INCLUDE_PATH is given to every run as --include-path (where @openzeppelin/contracts resolves);
# scripts under SCRIPTS_DIR/SKIP_DIR are left out (the OpenZeppelin ones when its sources are absent).
set -u
bin=$1
dir=$2
include=${3:-}
skip=${4:-}
count=0
failed=0
for file in $(find "$dir" -name '*.json' -type f | LC_ALL=C sort); do
    if [ -n "$skip" ]; then
        case "$file" in "$dir/$skip"/*) continue ;; esac
    fi
    case "$file" in
        *.fail.json) want=1 ;;
        *) want=0 ;;
    esac
    for level in 0 1; do
        count=$((count + 1))
        if [ -n "$include" ]; then
            out=$("$bin" exec --script "$file" -O"$level" --include-path "$include" 2>&1)
        else
            out=$("$bin" exec --script "$file" -O"$level" 2>&1)
        fi
        got=$?
        if [ "$got" -ne "$want" ]; then
            failed=$((failed + 1))
            echo "FAIL $file -O$level: exit $got, expected $want"
            echo "$out" | sed 's/^/    /'
        fi
    done
done
if [ "$count" -eq 0 ]; then
    echo "no scripts found under $dir"
    exit 1
fi
echo "$count runs, $failed failed"
[ "$failed" -eq 0 ]
