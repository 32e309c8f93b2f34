#!/usr/bin/env python3
# scripts/gas-table.py - compares trainchain's code size and call gas with solc 0.8.26's on the
# scenario scripts (tests/golden/scripts/**/*.json): runs `trainchain exec --script F --json` at -O0
# and -O1 and sets each deployment's runtime code size and each call's gas beside the `reference`
# that scripts/solc-expectations.sh wrote from solc (O0: optimizer off, O1: --optimize, 200 runs).
# Prints a Markdown table; with --update FILE replaces the section between
# `<!-- gas-table:begin -->` and `<!-- gas-table:end -->` in FILE (docs/performance.md).
# Python 3 standard library only.
#
# Usage: scripts/gas-table.py [--bin TRAINCHAIN] [--update docs/performance.md] [--calls]
#                             [SCRIPT.json ...]
import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN = "<!-- gas-table:begin -->"
END = "<!-- gas-table:end -->"
LEVELS = ("O1", "O0")


def fail(message):
    print(f"gas-table: error: {message}", file=sys.stderr)
    sys.exit(2)


def default_bin():
    for candidate in (ROOT / "build/bin/trainchain", ROOT / "build/dev/bin/trainchain"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    fail("no trainchain binary in build/bin or build/dev/bin: build it or pass --bin")


def run(binary, script, level):
    """Our results of one script at one level: the runner's --json step objects."""
    proc = subprocess.run([str(binary), "exec", "--script", str(script), "--json", f"-{level}"],
                          capture_output=True, text=True)
    # Exit 1 means an expectation failed: the gas is still measured, and the table says so.
    if proc.returncode not in (0, 1):
        fail(f"{script} -{level}: exit {proc.returncode}: {proc.stderr.strip()}")
    try:
        return json.loads(proc.stdout), proc.returncode == 0
    except json.JSONDecodeError as e:
        fail(f"{script} -{level}: the runner's --json output is not JSON ({e})")


def ratio(ours, theirs):
    return ours / theirs if theirs else None


def fmt_ratio(r, digits=2):
    return "-" if r is None else f"{r:.{digits}f}"


def fmt_diff(d):
    return f"{d:+,.0f}"


def geomean(values):
    values = [v for v in values if v]
    return statistics.geometric_mean(values) if values else None


def measure(binary, script):
    """Per script: contracts (name -> {level: (ours, solc)}), calls (list of per-step dicts)."""
    doc = json.loads(script.read_text())
    steps = doc.get("steps", [])
    contracts = {}
    calls = []
    all_ok = True
    for level in LEVELS:
        results, ok = run(binary, script, level)
        all_ok = all_ok and ok
        if len(results) != len(steps):
            fail(f"{script} -{level}: {len(results)} results for {len(steps)} steps")
        for step, res in zip(steps, results):
            ref = step.get("reference") or {}
            if "deploy" in step:
                solc = (ref.get("code_size") or {}).get(level)
                if solc is None or "code_size" not in res:
                    continue  # a reverted deployment, or no reference
                entry = contracts.setdefault(step["deploy"], {})
                entry.setdefault(level, (res["code_size"], solc))
            elif "call" in step:
                solc = (ref.get("gas_used") or {}).get(level)
                if solc is None:
                    continue
                calls.append({"level": level, "step": res["step"], "what": res["what"],
                              "status": res["status"], "ours": res["gas_used"], "solc": solc})
    return contracts, calls, all_ok


def render(rows, show_calls):
    out = []
    out.append("| script | contract | code size O1: ours / solc | ratio | code size O0: ours / solc "
               "| ratio |")
    out.append("| --- | --- | ---: | ---: | ---: | ---: |")
    sizes = {level: [] for level in LEVELS}
    for name, contracts, _calls, _ok in rows:
        for contract in sorted(contracts):
            cells = [name, contract]
            for level in LEVELS:
                ours, solc = contracts[contract].get(level, (None, None))
                if ours is None:
                    cells += ["-", "-"]
                    continue
                sizes[level].append((ours, solc))
                cells += [f"{ours:,} / {solc:,}", fmt_ratio(ratio(ours, solc))]
            out.append("| " + " | ".join(cells) + " |")
    overall = ["**all**", f"{len(sizes['O1'])} contracts"]
    for level in LEVELS:
        ours = sum(o for o, _ in sizes[level])
        solc = sum(s for _, s in sizes[level])
        rs = [ratio(o, s) for o, s in sizes[level]]
        overall += [f"{ours:,} / {solc:,}",
                    f"{fmt_ratio(ratio(ours, solc))} (max {fmt_ratio(max(rs, default=None))})"]
    out.append("| " + " | ".join(overall) + " |")
    out.append("")
    out.append("| script | calls | O1: median call gas ratio | median difference | worst | "
               "O0: median ratio | median difference | worst |")
    out.append("| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |")
    every = {level: [] for level in LEVELS}
    diffs = {level: [] for level in LEVELS}
    for name, _contracts, calls, ok in rows:
        cells = [name + ("" if ok else " (expectations fail)")]
        count = None
        for level in LEVELS:
            mine = [c for c in calls if c["level"] == level]
            rs = [(ratio(c["ours"], c["solc"]), c) for c in mine]
            every[level] += [r for r, _ in rs]
            diffs[level] += [c["ours"] - c["solc"] for c in mine]
            count = len(mine)
            if not rs:
                cells += ["-", "-", "-"]
                continue
            worst_r, worst = max(rs, key=lambda x: x[0])
            what = worst["what"].split(" ", 2)[-1]
            cells += [fmt_ratio(statistics.median(r for r, _ in rs), 3),
                      fmt_diff(statistics.median(c["ours"] - c["solc"] for c in mine)),
                      f"{fmt_ratio(worst_r, 3)} (step {worst['step']}, `{what}`)"]
        cells.insert(1, str(count))
        out.append("| " + " | ".join(cells) + " |")
    overall = ["**all**", str(len(every["O1"]))]
    for level in LEVELS:
        rs = every[level]
        overall += [fmt_ratio(statistics.median(rs), 3) if rs else "-",
                    fmt_diff(statistics.median(diffs[level])) if rs else "-",
                    f"max {fmt_ratio(max(rs, default=None), 3)}, geometric mean {fmt_ratio(geomean(rs), 3)}"]
    out.append("| " + " | ".join(overall) + " |")
    if show_calls:
        out.append("")
        out.append("| script | level | step | call | status | gas: ours / solc | ratio |")
        out.append("| --- | --- | ---: | --- | --- | ---: | ---: |")
        for name, _contracts, calls, _ok in rows:
            for c in calls:
                out.append(f"| {name} | {c['level']} | {c['step']} | `{c['what'].split(' ', 2)[-1]}` | "
                           f"{c['status']} | {c['ours']:,} / {c['solc']:,} | "
                           f"{fmt_ratio(ratio(c['ours'], c['solc']), 3)} |")
    return "\n".join(out) + "\n"


def update(path, table):
    text = path.read_text()
    begin = text.find(BEGIN)
    end = text.find(END)
    if begin < 0 or end < begin:
        fail(f"{path}: no '{BEGIN}' ... '{END}' section to replace")
    path.write_text(text[:begin + len(BEGIN)] + "\n" + table + text[end:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--bin", type=Path, help="the trainchain binary (default build/bin/trainchain)")
    parser.add_argument("--update", type=Path, metavar="FILE",
                        help="replace the gas-table section of FILE instead of printing")
    parser.add_argument("--calls", action="store_true", help="also list every call's ratio")
    parser.add_argument("scripts", nargs="*", type=Path,
                        help="scripts (default: tests/golden/scripts/**/*.json but *.fail.json)")
    args = parser.parse_args()
    binary = args.bin or default_bin()
    base = ROOT / "tests/golden/scripts"
    scripts = args.scripts or sorted(p for p in base.rglob("*.json")
                                     if not p.name.endswith(".fail.json") and "node_modules" not in p.parts)
    rows = []
    for script in scripts:
        if not script.is_file():
            fail(f"{script}: no such file")
        try:
            name = str(script.resolve().relative_to(base)).removesuffix(".json")
        except ValueError:
            name = str(script)
        contracts, calls, ok = measure(binary, script)
        if contracts or calls:
            rows.append((name, contracts, calls, ok))
    if not rows:
        fail("no script has a reference (run scripts/solc-expectations.sh on it)")
    table = render(rows, args.calls)
    if args.update:
        update(args.update, table)
    else:
        sys.stdout.write(table)


if __name__ == "__main__":
    main()
