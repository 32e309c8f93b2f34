#!/usr/bin/env python3
# tests/functional/nats/nats_rebuild_test.py - a lost server rebuilt from the nodes and the broker
# (issue 19's "must show"). A 3-server NATS cluster (3 nats-server processes with cluster routes on
# loopback, JetStream replicated: the run's streams at R=3), 5 `trainchain node run` processes spread
# over the three servers, and a training run with an injected NaN and its voted rollback. Then the
# losses: the training server is killed with SIGKILL, one nats-server too, the server's run directory
# and its key's neighbours are deleted (the operator kept the key file elsewhere), and 2 of the 5 nodes
# are killed with their data directories deleted. From what is left:
#   - `chain rebuild DIR --transport ... --server-key FILE` rebuilds the run directory; `verify`
#     passes; every epoch block exports byte-identical to the digest recorded before the loss;
#   - `train --resume DIR --transport ...` adds 2 more epochs, which all 3 remaining nodes hold
#     (blocks and checkpoints);
#   - `chain rebuild DIR --from NODE_DIR --server-key FILE` does the same offline from one node.
# Bounded: every wait has a deadline.
import argparse
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

import nats_support
from nats_support import Fail, expect, free_port, wait_port

NODES = 5
SERVERS = 3


class NatsCluster:
    """Three nats-server processes joined by cluster routes, JetStream on each."""

    def __init__(self, work):
        self.work = work
        self.ports = [free_port() for _ in range(SERVERS)]
        self.routes = [free_port() for _ in range(SERVERS)]
        self.procs = {}
        for i in range(SERVERS):
            self.start(i)
        for i in range(SERVERS):
            wait_port("127.0.0.1", self.ports[i], f"nats-server {i}", 15)

    def start(self, i):
        conf = os.path.join(self.work, f"nats{i}.conf")
        with open(conf, "w") as f:
            f.write('ping_interval: "1s"\nping_max: 3\n')
        others = ",".join(f"nats://127.0.0.1:{p}" for j, p in enumerate(self.routes) if j != i)
        self.procs[i] = subprocess.Popen(
            ["nats-server", "-c", conf, "-js", "-a", "127.0.0.1", "-p", str(self.ports[i]), "-n", f"s{i}",
             "-sd", os.path.join(self.work, f"js{i}"), "--cluster_name", "tc",
             "--cluster", f"nats://127.0.0.1:{self.routes[i]}", "--routes", others],
            stdout=open(os.path.join(self.work, f"nats{i}.log"), "a"), stderr=subprocess.STDOUT)

    def url(self, i, run="rb"):
        return f"nats://127.0.0.1:{self.ports[i]}/{run}"

    def cluster_url(self, run="rb"):
        """Every server of the cluster in one URL: the client connects to one that answers."""
        return "nats://" + ",".join(f"127.0.0.1:{p}" for p in self.ports) + f"/{run}"

    def kill(self, i):
        p = self.procs.pop(i)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=10)

    def stop(self):
        for p in self.procs.values():
            p.terminate()
        for p in self.procs.values():
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


class Run(nats_support.Nodes):
    def __init__(self, trainchain, work):
        self.nats = NatsCluster(work)
        super().__init__(trainchain, work, NODES, cli_timeout=300)

    def start_node(self, i):
        # The nodes are spread over the three servers; node 4 is on the server that will die.
        self.spawn_node(i, self.nats.url(min(i // 2, SERVERS - 1)))

    def stop(self):
        self.stop_nodes()
        self.nats.stop()


class Train(nats_support.Train):
    def __init__(self, run, args):
        super().__init__(run, args, wait_timeout=240, finish_timeout=300)


def history(run, d):
    return json.loads(run.cli("history", d, "--json").stdout)


def check_exports(run, d, digests, what):
    """Every epoch block of `d` exports to bytes whose SHA-256 is the digest recorded before the loss."""
    hist = history(run, d)
    epochs = [b for b in hist if b["kind"] == "epoch"]
    expect(epochs, f"{what}: no epoch blocks")
    for b in epochs:
        h = b["height"]
        if h not in digests:
            continue
        out = os.path.join(run.work, f"export-{what}-{h}.pt")
        run.cli("export", d, "--block", str(h), "-o", out)
        got = hashlib.sha256(open(out, "rb").read()).hexdigest()
        expect(got == digests[h], f"{what}: block {h} exports {got}, recorded {digests[h]}")
        os.remove(out)
    return hist


def state_height(d):
    """The last block of a replica's state journal (the block its saved VM state follows), read
    without the CLI: the test waits for the node to hold the tip's before `--from`."""
    db = sqlite3.connect(f"file:{os.path.join(d, 'chain.db')}?mode=ro", uri=True, timeout=5)
    try:
        row = db.execute("SELECT MAX(height) FROM vm_journal").fetchone()
        return int(row[0]) if row and row[0] is not None else None
    except sqlite3.OperationalError:
        return None
    finally:
        db.close()


def replica_dir(run, i):
    return os.path.join(run.data(i), "replica")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainchain", required=True)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if not shutil.which("nats-server"):
        print("nats-server is not installed (Debian package nats-server)", file=sys.stderr)
        return 1
    work = tempfile.mkdtemp(prefix="trainchain-rebuild-")
    run = Run(args.trainchain, work)
    try:
        scenario(run, work)
        print(f"nats rebuild test: passed ({work})")
        return 0
    except Exception as e:  # noqa: BLE001 - any failure prints the processes' logs
        print(f"nats rebuild test: FAILED: {type(e).__name__ if not isinstance(e, Fail) else ''} {e}",
              file=sys.stderr)
        for name in sorted(os.listdir(work)):
            if name.endswith(".log"):
                print(f"--- {name} (last lines)", file=sys.stderr)
                print("".join(open(os.path.join(work, name), errors="replace").readlines()[-10:]),
                      file=sys.stderr)
        return 1
    finally:
        run.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def scenario(run, work):
    for i in range(NODES):
        run.start_node(i)
    run_dir = os.path.join(work, "server", "run")
    key_dir = os.path.join(work, "operator")  # the key the operator keeps apart from the server's disk
    os.makedirs(key_dir, mode=0o700)
    server_key = os.path.join(key_dir, "server.key")
    # The server, the rebuild and the resumed run name the whole cluster: after nats-server 2 is
    # killed, a connection goes to one of the other two.
    url = run.nats.cluster_url()
    # No sampled replay (nats_replay_test.py tests it): the nodes killed here, when drawn, would hold
    # each block for the replay wait.
    common = ["--transport", url, "--server-key", server_key, "--difficulty", "8", "--mining-threads", "1",
              "--replay", "none"]
    t = Train(run, ["-d", run_dir, "--node-keys", os.path.join(work, "keys.txt"), "--replicas", "3",
                    "--epochs", "30", "--inject", "nan@3", *common])
    # At least 4 epochs with the NaN's rollback among them, then the server dies mid-run.
    t.wait_for("4 epochs and a rollback", lambda: t.count("epoch") >= 4 and t.count("rollback") >= 1)
    t.proc.send_signal(signal.SIGKILL)
    t.finish()
    before = history(run, run_dir)
    expect("rollback" in [b["kind"] for b in before], "the injected NaN was not rolled back")
    digests = {b["height"]: b["checkpoint"] for b in before if b["kind"] == "epoch"}
    expect(len(digests) >= 4, f"only {len(digests)} epoch blocks before the loss")

    # The losses: the server's disk, one nats-server, two nodes with their disks.
    run.nats.kill(2)
    shutil.rmtree(os.path.join(work, "server"))
    for i in (0, 1):
        run.kill_node(i)
        shutil.rmtree(run.data(i))
    survivors = (2, 3, 4)

    rebuilt = os.path.join(work, "rebuilt", "run")
    t0 = time.time()
    r = run.cli("chain", "rebuild", rebuilt, "--transport", url, "--server-key", server_key)
    print(f"chain rebuild --transport: {time.time() - t0:.2f} s: {r.stdout.strip().splitlines()[-1:]}")
    run.cli("verify", rebuilt)
    after = check_exports(run, rebuilt, digests, "transport")
    expect([b["hash"] for b in after] == [b["hash"] for b in before][:len(after)],
           "the rebuilt chain is not the chain the server had")
    # The nodes may have appended the block the server was killed after storing, or not: the
    # rebuild holds every block a surviving node holds, and never fewer than the server's minus one.
    expect(len(after) >= len(before) - 1, f"the rebuild holds {len(after)} of {len(before)} blocks")

    # The run continues from the rebuilt directory: 2 more epochs, held by every surviving node.
    resumed_from = sum(1 for b in after if b["kind"] == "epoch")
    t = Train(run, ["--resume", rebuilt, "--epochs", str(max(e["epoch"] for e in after if e["kind"] == "epoch") + 2),
                    *common])
    code = t.finish(timeout=600)
    expect(code == 0, f"the resumed run exited {code}: {t.stderr[-10:]}")
    final = history(run, rebuilt)
    expect(sum(1 for b in final if b["kind"] == "epoch") >= resumed_from + 2, "the resume added fewer than 2 epochs")
    run.cli("verify", rebuilt)
    tip = final[-1]["hash"]
    deadline = time.time() + 60
    for i in survivors:
        while True:
            held = history(run, replica_dir(run, i))
            if held and held[-1]["hash"] == tip and state_height(replica_dir(run, i)) == final[-1]["height"]:
                break
            expect(time.time() < deadline, f"node {i} does not hold the resumed blocks and their VM state")
            time.sleep(0.2)
        run.cli("verify", replica_dir(run, i))
    last = {b["height"]: b["checkpoint"] for b in final if b["kind"] == "epoch"}
    for i in survivors:
        check_exports(run, replica_dir(run, i), last, f"node{i}")

    # The same offline, from one node's data directory.
    offline = os.path.join(work, "offline", "run")
    t0 = time.time()
    run.cli("chain", "rebuild", offline, "--from", run.data(3), "--server-key", server_key)
    print(f"chain rebuild --from: {time.time() - t0:.2f} s")
    run.cli("verify", offline)
    got = check_exports(run, offline, last, "offline")
    expect([b["hash"] for b in got] == [b["hash"] for b in final], "the offline rebuild differs from the chain")
    # A wrong server key is refused.
    other = os.path.join(key_dir, "other.key")
    run.cli("node", "keygen", other)
    bad = run.cli("chain", "rebuild", os.path.join(work, "wrong"), "--from", run.data(3), "--server-key", other,
                  check=False)
    expect(bad.returncode == 2 and "server key" in bad.stderr, f"a wrong server key: {bad.returncode} {bad.stderr}")
    bad = run.cli("chain", "rebuild", os.path.join(work, "wrong2"), "--transport", url, "--server-key", other,
                  check=False)
    expect(bad.returncode == 2 and "--server-key" in bad.stderr and "server key" in bad.stderr
           and not os.path.exists(os.path.join(work, "wrong2")),
           f"a wrong server key over NATS: {bad.returncode} {bad.stderr}")
    print(f"rebuilt {len(after)} blocks after losing the server, a nats-server and 2 of {NODES} nodes; "
          f"resumed to {len(final)} blocks")


if __name__ == "__main__":
    sys.exit(main())
