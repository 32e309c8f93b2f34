#!/usr/bin/env python3
# tests/functional/nats/nats_replay_test.py - sampled replay with the user nodes as processes over NATS
# JetStream: nats-server (started here), `trainchain train --transport nats://... --replay-nodes 2` on
# digits and 5 `trainchain node run` processes, nodes 0-3 with `--replay` (node 4 votes without
# replaying). The drawn replaying nodes fetch the committed states they sample from the server and
# re-run them before they vote.
#  (a) An honest run finishes; every epoch's drawn nodes either replayed (their logs say so, with the
#      states fetched) or are node 4, reported unchecked; `verify --replay --sample 2` repeats the
#      drawn nodes' checks on the server's directory.
#  (b) A step of epoch 2 skipped (--forge-segment 2:5:1:skip) with every segment sampled: a drawn
#      replaying node rejects the epoch naming segment 1 (bad-segment-replay), the server trains the
#      epoch again and the run finishes.
# Also: `node run --config` without --replay, or with a file that does not load, exits with 2.
# Bounded: every wait has a deadline.
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import nats_support
from nats_support import Fail, expect, free_port, wait_port

NODES = 5
REPLAYING = {0, 1, 2, 3}
PLAIN = set(range(NODES)) - REPLAYING


class Cluster(nats_support.Nodes):
    def __init__(self, trainchain, work):
        self.port = free_port()
        self.nats = subprocess.Popen(
            ["nats-server", "-js", "-a", "127.0.0.1", "-p", str(self.port), "-sd", os.path.join(work, "js")],
            stdout=open(os.path.join(work, "nats.log"), "w"), stderr=subprocess.STDOUT)
        wait_port("127.0.0.1", self.port, "nats-server", 10)
        super().__init__(trainchain, work, NODES, cli_timeout=120)

    def log(self, run, i):
        return os.path.join(self.work, f"{run}-node{i}.log")

    def start_nodes(self, run):
        """The run's node processes (fresh data directories); its endpoint."""
        url = f"nats://127.0.0.1:{self.port}/{run}"
        for i in range(NODES):
            self.nodes[i] = subprocess.Popen(
                [self.bin, "node", "run", "--transport", url, "--key", self.key(i), "--data",
                 os.path.join(self.work, f"{run}-node{i}"), *(["--replay"] if i in REPLAYING else [])],
                stdout=open(self.log(run, i), "w"), stderr=subprocess.STDOUT)
        return url

    def train(self, run, *flags):
        """A run of 3 epochs on digits (23 steps an epoch; segments of 4 steps: 6 segments)."""
        url = self.start_nodes(run)
        d = os.path.join(self.work, run)
        t = nats_support.Train(self, ["-d", d, "--transport", url, "--node-keys", os.path.join(self.work, "keys.txt"),
                                      "--epochs", "3", "--replay-nodes", "2", "--segment-steps", "4",
                                      "--difficulty", "8", "--mining-threads", "1", *flags],
                               wait_timeout=60, finish_timeout=150)
        try:
            rc = t.finish()
        except subprocess.TimeoutExpired:
            t.proc.kill()
            raise Fail(f"train {run} did not finish in time: {t.stderr[-8:]}")
        self.stop_nodes()
        self.nodes = {}
        expect(rc == 0, f"train {run} exited {rc}: {t.stderr[-8:]}")
        summary = [e for e in t.events if e.get("event") == "summary"]
        expect(summary and summary[0]["finished"], f"run {run} did not finish: {summary}")
        return d, t.epochs(), summary[0]

    def stop(self):
        self.stop_nodes()
        self.nats.terminate()
        self.nats.wait(timeout=10)


def node_log(c, run, i):
    with open(c.log(run, i)) as f:
        return f.read()


def bad_input(c):
    """`node run --config` without --replay, and a --config that does not load, exit with 2."""
    base = ["node", "run", "--transport", f"nats://127.0.0.1:{c.port}/bad", "--key", c.key(0), "--data",
            os.path.join(c.work, "bad-node")]
    bad_toml = os.path.join(c.work, "bad.toml")
    with open(bad_toml, "w") as f:
        f.write('epochs = "x"\n')
    for flags, message in [(["--config", bad_toml], "--config: error: gives a replaying node"),
                           (["--replay", "--config", os.path.join(c.work, "absent.toml")], "absent.toml: error"),
                           (["--replay", "--config", bad_toml], "bad.toml:1:10: error")]:
        r = c.cli(*base, *flags, check=False)
        expect(r.returncode == 2 and message in r.stderr, f"node run {flags}: {r.returncode} {r.stderr}")


def honest(c):
    d, epochs, summary = c.train("honest", "--sample-segments", "2")
    expect(summary["rejected"] == 0, f"an honest epoch was rejected: {epochs}")
    expect(len(epochs) == 3 and all(e["replay_ok"] for e in epochs), f"epochs: {epochs}")
    replays = 0
    for e in epochs:
        by, unchecked = set(e["replayed_by"]), set(e["unchecked"])
        # Two nodes drawn per block: each replayed, or is the node without --replay.
        expect(by <= REPLAYING and unchecked <= PLAIN and len(by) + len(unchecked) == 2,
               f"epoch {e['epoch']}: replayed by {sorted(by)}, unchecked {sorted(unchecked)}")
        for n in by:
            line = re.search(rf"node {n}: replayed 2 segments of block {e['block']}: ok \((\d+) states, (\d+) bytes "
                             r"fetched from the server\)", node_log(c, "honest", n))
            # 2 segment starts, the last state and the evaluation record
            expect(line and int(line.group(1)) == 4 and int(line.group(2)) > 0,
                   f"node {n}'s log does not show its replay of block {e['block']}")
            replays += 1
    expect(replays >= 3, f"only {replays} replays")
    r = c.cli("verify", d, "--replay", "--sample", "2", check=False, timeout=300)
    expect(r.returncode == 0 and "3 epochs checked by sampled replay" in r.stdout,
           f"verify --replay --sample 2 exited {r.returncode}: {r.stdout[-1500:]} {r.stderr[-1500:]}")
    print(f"honest run: {replays} replays over 3 epochs; verify --replay --sample 2 passed")


def forged(c):
    d, epochs, summary = c.train("forged", "--sample-segments", "6", "--forge-segment", "2:5:1:skip")
    expect(summary["rejected"] == 1 and len(epochs) == 4, f"summary {summary}; epochs {epochs}")
    bad = epochs[1]
    expect(bad["epoch"] == 2 and not bad["replay_ok"] and "block" not in bad, f"the forged epoch: {bad}")
    m = re.search(r"node (\d+) rejected the block: (.*) \(bad-segment-replay\)", bad.get("error", ""))
    expect(m and "segment 1 (steps 4..8) does not replay" in m.group(2), f"the veto: {bad.get('error')}")
    n = int(m.group(1))
    expect(n in REPLAYING, f"node {n} vetoed without replaying")
    expect(re.search(r"node %d: rejects block \d+: .*segment 1 .*\(bad-segment-replay\)" % n,
                     node_log(c, "forged", n)), f"node {n}'s log does not show its reject")
    expect(epochs[2]["epoch"] == 2 and epochs[2]["replay_ok"] and epochs[3]["epoch"] == 3,
           f"the epoch was not trained again: {epochs[2:]}")
    r = c.cli("verify", d, "--replay", "--sample", "6", check=False, timeout=300)
    expect(r.returncode == 0, f"verify --replay --sample 6 exited {r.returncode}: {r.stderr[-1500:]}")
    print(f"forged run: node {n} vetoed epoch 2 ({m.group(2)}); retrained; verified")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainchain", required=True)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if not shutil.which("nats-server"):
        print("nats-server is not installed (Debian package nats-server)", file=sys.stderr)
        return 1
    work = tempfile.mkdtemp(prefix="trainchain-nats-replay-")
    c = Cluster(args.trainchain, work)
    run = "honest"
    try:
        bad_input(c)
        honest(c)
        run = "forged"
        forged(c)
        print(f"nats replay test: passed ({work})")
        return 0
    except Exception as e:  # noqa: BLE001 - any failure prints the processes' logs
        print(f"nats replay test: FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        for i in range(NODES):
            p = c.log(run, i)
            if os.path.exists(p):
                print(f"--- {run} node {i} (last lines)", file=sys.stderr)
                print("".join(open(p).readlines()[-10:]), file=sys.stderr)
        return 1
    finally:
        c.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
