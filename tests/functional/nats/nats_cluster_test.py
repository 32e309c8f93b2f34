#!/usr/bin/env python3
# tests/functional/nats/nats_cluster_test.py - the NATS JetStream transport end to end, one process per node:
# nats-server with JetStream (started here), `trainchain train --transport nats://...` and 10
# `trainchain node run` processes on loopback. Mid-run, nodes are killed (SIGKILL) and restarted,
# the server is killed and resumed, and more than half of the nodes go away, which must make block
# creation wait with a status line until they return. Two nodes are down while the blocks stream
# and one checkpoint are purged: back, they take the blocks and that checkpoint from their peers,
# the other checkpoints they missed from the checkpoints stream. At the end every replica must
# verify (checkpoints included) and hold exactly the server's chain, every epoch's checkpoint file
# byte-identical to the server's, and the same gas records, gas profiles, VM state and contract
# addresses as the server's store. Bounded: every wait has a deadline.
#
# With --netns, each node runs in a network namespace of its own (iproute2: a veth pair to a bridge
# that nats-server listens on); mid-run one node's link is cut and restored, and the node must
# catch up and vote again. Where namespaces cannot be made (no root, a restricted container) that
# variant exits 77, which ctest reports as skipped.
import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

import nats_support
from nats_support import Fail, expect, free_port, wait_port

NODES = 10


def js_purge(c, stream, subject):
    """Purges `subject` from a JetStream stream through the JetStream API, over the NATS protocol."""
    with socket.create_connection((c.host, c.port), timeout=10) as s:
        f = s.makefile("rb")
        f.readline()  # INFO
        body = json.dumps({"filter": subject}).encode()
        s.sendall(b'CONNECT {"verbose":false,"pedantic":false}\r\nSUB _INBOX.purge 1\r\n' +
                  f"PUB $JS.API.STREAM.PURGE.{stream} _INBOX.purge {len(body)}\r\n".encode() + body + b"\r\n")
        while True:
            line = f.readline()
            expect(line, "the connection closed before the purge was answered")
            if line.startswith(b"MSG"):
                n = int(line.split()[-1])
                return json.loads(f.read(n + 2)[:n])
            if line.startswith(b"PING"):
                s.sendall(b"PONG\r\n")
            expect(not line.startswith(b"-ERR"), line.decode())


def sh(*args):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=30)


class Namespaces:
    """One network namespace per node, each joined by a veth pair to a bridge in this namespace."""

    def __init__(self, count):
        tag = os.getpid() % 10000
        self.subnet = f"10.{77 + tag % 100}.{tag // 100 % 250}"
        self.bridge = f"tcbr{tag}"
        self.names = [f"tc{tag}n{i}" for i in range(count)]
        self.made = []
        r = sh("ip", "link", "add", self.bridge, "type", "bridge")
        if r.returncode != 0:
            raise OSError(r.stderr.strip())
        self.made.append(("link", self.bridge))
        self.check("ip", "addr", "add", f"{self.subnet}.1/24", "dev", self.bridge)
        self.check("ip", "link", "set", self.bridge, "up")
        for i, ns in enumerate(self.names):
            self.check("ip", "netns", "add", ns)
            self.made.append(("netns", ns))
            outer, inner = f"{ns}o", f"{ns}i"
            self.check("ip", "link", "add", outer, "type", "veth", "peer", "name", inner)
            self.made.append(("link", outer))
            self.check("ip", "link", "set", inner, "netns", ns)
            self.check("ip", "link", "set", outer, "master", self.bridge)
            self.check("ip", "link", "set", outer, "up")
            self.check("ip", "netns", "exec", ns, "ip", "addr", "add", f"{self.subnet}.{10 + i}/24", "dev", inner)
            self.check("ip", "netns", "exec", ns, "ip", "link", "set", inner, "up")
            self.check("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")

    def check(self, *args):
        r = sh(*args)
        if r.returncode != 0:
            self.remove()
            raise OSError(f"{' '.join(args)}: {r.stderr.strip()}")

    def link(self, i, up):
        r = sh("ip", "link", "set", f"{self.names[i]}o", "up" if up else "down")
        expect(r.returncode == 0, r.stderr)

    def remove(self):
        for kind, name in reversed(self.made):
            sh("ip", *(("netns", "del", name) if kind == "netns" else ("link", "del", name)))
        self.made = []


class Cluster(nats_support.Nodes):
    def __init__(self, trainchain, work, netns=None):
        self.netns = netns
        self.port = free_port()
        self.host = f"{netns.subnet}.1" if netns else "127.0.0.1"
        self.url = f"nats://{self.host}:{self.port}/e2e"
        # Pings every second: a client whose link is cut is dropped after a few seconds.
        conf = os.path.join(work, "nats.conf")
        with open(conf, "w") as f:
            f.write('ping_interval: "1s"\nping_max: 3\n')
        self.nats = subprocess.Popen(
            ["nats-server", "-c", conf, "-js", "-a", self.host, "-p", str(self.port), "-sd", os.path.join(work, "js")],
            stdout=open(os.path.join(work, "nats.log"), "w"), stderr=subprocess.STDOUT)
        wait_port(self.host, self.port, "nats-server", 10)
        super().__init__(trainchain, work, NODES, cli_timeout=120)

    def start_node(self, i):
        self.spawn_node(i, self.url, ["ip", "netns", "exec", self.netns.names[i]] if self.netns else [])

    def stop(self):
        self.stop_nodes()
        self.nats.terminate()
        self.nats.wait(timeout=10)


@contextlib.contextmanager
def frozen(t, phase, limit):
    """The server stopped (SIGSTOP) while the test rearranges processes, so that the run can neither
    move on nor end meanwhile (starting a process is slow under the sanitizers); the run must still
    be at epoch `limit` or before, with the later epochs the next phase needs ahead of it."""
    t.proc.send_signal(signal.SIGSTOP)
    try:
        yield
        last = t.epochs()[-1]["epoch"]
        expect(last <= limit, f"the run is too far on for the {phase} phase (epoch {last}, {limit} at most)")
    finally:
        t.proc.send_signal(signal.SIGCONT)


class Train(nats_support.Train):
    def __init__(self, cluster, args):
        super().__init__(cluster, args, wait_timeout=120, finish_timeout=180)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainchain", required=True)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--netns", action="store_true", help="a network namespace per node; cut one node's link")
    args = ap.parse_args()
    if not shutil.which("nats-server"):
        print("nats-server is not installed (Debian package nats-server)", file=sys.stderr)
        return 1
    work = tempfile.mkdtemp(prefix="trainchain-nats-")
    netns = None
    if args.netns:
        try:
            netns = Namespaces(NODES)
        except OSError as e:
            print(f"skipped: this machine does not allow network namespaces ({e})")
            shutil.rmtree(work, ignore_errors=True)
            return 77
    cluster = Cluster(args.trainchain, work, netns)
    try:
        (run_netns if netns else run)(cluster, work)
        print(f"nats cluster test: passed ({work})")
        return 0
    except Exception as e:  # noqa: BLE001 - any failure prints the processes' logs
        print(f"nats cluster test: FAILED: {type(e).__name__ if not isinstance(e, Fail) else ''} {e}",
              file=sys.stderr)
        if cluster.nats.poll() is not None:
            print(f"--- nats-server exited ({cluster.nats.returncode}); the end of its log:", file=sys.stderr)
            print("".join(open(os.path.join(work, "nats.log")).readlines()[-12:]), file=sys.stderr)
        for i in range(NODES):
            p = os.path.join(work, f"node{i}.log")
            if os.path.exists(p):
                print(f"--- node {i} (last lines)", file=sys.stderr)
                print("".join(open(p).readlines()[-8:]), file=sys.stderr)
        return 1
    finally:
        cluster.stop()
        if netns:
            netns.remove()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(c, work):
    bad = c.cli("train", "-d", os.path.join(work, "x"), "--transport", "nats://127.0.0.1", check=False)
    expect(bad.returncode == 2 and "--transport: error" in bad.stderr, f"malformed transport: {bad.stderr}")
    bad = c.cli("train", "-d", os.path.join(work, "x"), "--transport", c.url, check=False)
    expect(bad.returncode == 2 and "--node-keys" in bad.stderr, f"missing node keys: {bad.stderr}")
    keys = os.path.join(work, "keys.txt")
    for flags, message in [(["--replicas", "6"], "--replicas: error"),
                           (["--checkpoint-max-age", "10s"], "--checkpoint-max-age: error"),
                           (["--checkpoint-max-bytes", "12X"], "--checkpoint-max-bytes: error")]:
        bad = c.cli("train", "-d", os.path.join(work, "x"), "--transport", c.url, "--node-keys", keys, *flags,
                    check=False)
        expect(bad.returncode == 2 and message in bad.stderr, f"{flags}: {bad.returncode} {bad.stderr}")
    bad = c.cli("train", "-d", os.path.join(work, "x"), "--replicas", "3", check=False)
    expect(bad.returncode == 2 and "--transport" in bad.stderr, f"--replicas in process: {bad.stderr}")
    # One nats-server is no cluster: three replicas cannot be placed, and the run does not start.
    bad = c.cli("train", "-d", os.path.join(work, "x"), "--transport", c.url + "-r3", "--node-keys", keys,
                "--replicas", "3", check=False)
    expect(bad.returncode != 0 and "replicas" in bad.stderr and not os.path.exists(os.path.join(work, "x")),
           f"--replicas 3 on one server: {bad.returncode} {bad.stderr}")

    for i in range(NODES):
        c.start_node(i)
    run_dir = os.path.join(work, "run")
    # No sampled replay (nats_replay_test.py tests it): a drawn replaying node that is killed here
    # would hold each block for the replay wait.
    common = ["--transport", c.url, "--difficulty", "10", "--mining-threads", "1", "--replay", "none"]
    t = Train(c, ["-d", run_dir, "--node-keys", os.path.join(work, "keys.txt"), "--epochs", "16",
                  "--inject", "nan@6", "--replicas", "1", "--checkpoint-max-age", "30d", *common])

    # A key the run did not register is turned away. The server is frozen (SIGSTOP) while the test
    # starts processes, which is slow under the sanitizers: the run must still have its later epochs
    # ahead of it when the nodes crash and the server is killed (in one ASan run it had finished).
    c.cli("node", "keygen", os.path.join(work, "stranger.key"))
    t.wait_for("epoch 1", lambda: len(t.epochs()) >= 1)
    with frozen(t, "crash", 3):
        r = subprocess.run([c.bin, "node", "run", "--transport", c.url, "--key",
                            os.path.join(work, "stranger.key"), "--data", os.path.join(work, "stranger")],
                           capture_output=True, text=True, timeout=60)
        expect(r.returncode == 2 and "is not registered" in r.stderr, f"stranger: {r.returncode} {r.stderr}")
        # Four nodes crash (fewer than half): the run goes on.
        for i in range(4):
            c.kill_node(i)
    t.wait_for("epoch 3", lambda: len(t.epochs()) >= 3)
    # They come back and catch up; two others crash.
    for i in range(4):
        c.start_node(i)
    c.kill_node(4)
    c.kill_node(5)
    t.wait_for("epoch 4", lambda: len(t.epochs()) >= 4)
    # The server is killed mid-run and resumed from its chain.
    t.proc.send_signal(signal.SIGKILL)
    t.finish()
    last = t.epochs()[-1]["epoch"]
    expect(last <= 8, f"the run is too far on for the resume phase (epoch {last} of 16)")
    c.start_node(4)
    c.start_node(5)
    t = Train(c, ["--resume", run_dir, *common])
    t.wait_for("epoch 5 after the resume", lambda: len(t.epochs()) >= 1)

    # Nodes 8 and 9 are down for two epochs while the blocks stream loses its blocks and the
    # checkpoints stream the first of the two epochs' checkpoint: back, they get the blocks and that
    # checkpoint from their peers, the other checkpoint from the stream.
    c.kill_node(8)
    c.kill_node(9)
    n0 = len(t.epochs())
    t.wait_for("two epochs without nodes 8 and 9", lambda: len(t.epochs()) >= n0 + 2)
    # The server is frozen (SIGSTOP) while the test rearranges the nodes, so the run cannot make
    # progress, or end, before more than half of them are gone: the next block must wait for them.
    with frozen(t, "quorum", 14):
        purged = js_purge(c, "TC_e2e_BLOCKS", "tc.e2e.s.block.*")
        expect(purged.get("success") and purged.get("purged", 0) > 0, f"purge: {purged}")
        missed = [b for b in json.loads(c.cli("history", run_dir, "--json").stdout) if b["kind"] == "epoch"][-2]
        purged = js_purge(c, "TC_e2e_CHECKPOINTS", f"tc.e2e.obj.ckpt.{missed['checkpoint']}.>")
        expect(purged.get("success") and purged.get("purged", 0) > 0, f"checkpoint purge: {purged}")
        c.start_node(8)
        c.start_node(9)
        # More than half the nodes go away: block creation must wait, say so, and resume when they return.
        for i in range(6):
            c.kill_node(i)
    before = len(t.epochs())
    t.wait_for("a waiting status line",
               lambda: any("waiting for" in line for line in t.stderr), timeout=60)
    expect(len(t.epochs()) <= before + 1, "blocks were created without a quorum")
    time.sleep(2)
    expect(len(t.epochs()) <= before + 1, "blocks were created without a quorum")
    for i in range(6):
        c.start_node(i)
    code = t.finish()
    expect(code == 0, f"the resumed run exited {code}: {t.stderr[-10:]}")
    summary = t.events[-1]
    expect(summary.get("event") == "summary" and summary["finished"], f"summary: {summary}")

    history = check_replicas(c, run_dir)
    for i in (8, 9):
        log = open(os.path.join(work, f"node{i}.log")).read()
        peers = [int(m) for m in re.findall(r"(\d+) from peers\)", log)]
        expect(any(peers), f"node {i} took no blocks from its peers after the purge: {peers}")
        fetched = [tuple(map(int, m)) for m in re.findall(
            r"fetched \d+ missing checkpoint\(s\) \((\d+) from the stream, (\d+) from peers\)", log)]
        expect(sum(f[0] for f in fetched) >= 1 and sum(f[1] for f in fetched) >= 1,
               f"node {i} did not fetch the checkpoints it missed from the stream and from its peers: {fetched}")
        print(f"node {i} caught up with {sum(peers)} block(s) from its peers after the stream was purged, and "
              f"fetched the checkpoints it missed: {sum(f[0] for f in fetched)} from the stream, "
              f"{sum(f[1] for f in fetched)} from its peers")
    kinds = [b["kind"] for b in history]
    expect("rollback" in kinds, f"the injected NaN was not rolled back: {kinds}")
    expect(kinds.count("epoch") >= 17, f"16 epochs and the NaN epoch: {kinds}")
    # Each rollback block records the node processes' signed proposals (verify checked them).
    for b in history:
        if b["kind"] == "rollback":
            expect(b["proposals"] * 2 > NODES, f"rollback block {b['height']}: {b['proposals']} proposals")
    check_complete(c, run_dir, history, [c.data(i) for i in range(NODES)], verify=(0, 9))
    run_serve(c, work)
    run_missing_checkpoint(c, work)


def run_serve(c, work):
    """`serve --transport`: a run created through the API on the same node keys (its own subjects)."""
    import urllib.request
    for p in c.nodes.values():
        p.terminate()
        p.wait(timeout=10)
    c.nodes = {}
    api_url = c.url.rsplit("/", 1)[0] + "/apirun"
    for i in range(NODES):
        log = open(os.path.join(work, f"api-node{i}.log"), "a")
        c.nodes[i] = subprocess.Popen([c.bin, "node", "run", "--transport", api_url, "--key", c.key(i), "--data",
                                       os.path.join(work, f"api-node{i}")], stdout=log, stderr=subprocess.STDOUT)
    ws, port = os.path.join(work, "ws"), free_port()
    serve = subprocess.Popen([c.bin, "serve", ws, "--port", str(port), "--mining-threads", "1", "--transport",
                              c.url.rsplit("/", 1)[0], "--replicas", "1", "--checkpoint-max-bytes", "1G"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        serve.stdout.readline()
        token = json.load(open(os.path.join(ws, "serve.json")))["token"]

        def call(method, path, body=None, ctype="application/json"):
            data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
            req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": ctype})
            try:
                with urllib.request.urlopen(req, timeout=120) as r:
                    return r.status, json.loads(r.read() or b"null")
            except urllib.error.HTTPError as e:
                return e.code, json.loads(e.read() or b"null")

        code, out = call("POST", "/api/runs", {"name": "apirun", "difficulty_bits": 8})
        expect(code == 400 and "node_keys" in out["error"], f"a run without node keys: {code} {out}")
        code, out = call("POST", "/api/runs", {"name": "apirun", "difficulty_bits": 8, "node_keys": c.keys})
        expect(code == 201 and out["nodes"] == NODES, f"creating the run: {code} {out}")
        for epoch, acc in [(1, 0.5), (2, 0.7), (3, 0.6)]:
            code, out = call("POST", f"/api/runs/apirun/epochs?epoch={epoch}&accuracy={acc}&loss=1&test_loss=1",
                             os.urandom(4096), "application/octet-stream")
            expect(code == 201, f"epoch {epoch}: {code} {out}")
        code, out = call("POST", "/api/runs/apirun/rollback", {"reason": "test"})
        expect(code == 201 and out["target"] == 3, f"rollback: {code} {out}")
    finally:
        serve.terminate()
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            serve.kill()
            raise Fail("serve did not stop within 30 s of SIGTERM")
    run_dir = os.path.join(ws, "apirun")
    v = c.cli("verify", run_dir)
    history = json.loads(c.cli("history", run_dir, "--json").stdout)
    expect([b["kind"] for b in history][-1] == "rollback", "the API run's last block")
    expect(history[-1]["proposals"] * 2 > NODES, f"the API run's rollback: {history[-1]}")
    dirs = [os.path.join(work, f"api-node{i}") for i in range(NODES)]
    wait_replicas(c, dirs, history[-1]["hash"])
    check_complete(c, run_dir, history, dirs)
    print(f"serve --transport: {len(history)} blocks through the API, {v.stdout.strip()}; replicas equal")


def run_missing_checkpoint(c, work):
    """A block whose checkpoint the nodes cannot get is rejected: its checkpoint is purged from the
    stream while the nodes are frozen (SIGSTOP), after the server published it and before they
    fetched it; no node holds it, so each votes reject, and the block is not appended."""
    for p in c.nodes.values():
        p.terminate()
        p.wait(timeout=10)
    c.nodes = {}
    url = c.url.rsplit("/", 1)[0] + "/rej"
    keys = os.path.join(work, "keys3.txt")
    with open(keys, "w") as f:
        f.write("\n".join(c.keys[:3]) + "\n")
    for i in range(3):
        log = open(os.path.join(work, f"rej-node{i}.log"), "a")
        c.nodes[i] = subprocess.Popen([c.bin, "node", "run", "--transport", url, "--key", c.key(i), "--data",
                                       os.path.join(work, f"rej-node{i}"), "--checkpoint-wait", "1"],
                                      stdout=log, stderr=subprocess.STDOUT)
    chain = os.path.join(work, "rej")
    c.cli("chain", "init", chain, "--transport", url, "--node-keys", keys, "--difficulty", "8")
    weights = os.path.join(work, "weights.bin")
    with open(weights, "wb") as f:
        f.write(os.urandom(600000))  # three chunks
    c.cli("chain", "append", chain, "--transport", url, "--checkpoint", weights, "--epoch", "1", "--accuracy",
          "0.5", "--loss", "1")
    for p in c.nodes.values():
        p.send_signal(signal.SIGSTOP)
    try:
        data = os.urandom(600000)
        with open(weights, "wb") as f:
            f.write(data)
        digest = hashlib.sha256(data).hexdigest()
        append = subprocess.Popen([c.bin, "chain", "append", chain, "--transport", url, "--checkpoint", weights,
                                   "--epoch", "2", "--accuracy", "0.6", "--loss", "1"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The server publishes the checkpoint, then the candidate, then waits for a claim.
        # A purge may catch the checkpoint's messages part-way through its publishing (slow under
        # the sanitizers): they are counted over all purges.
        deadline = time.time() + 30
        total = 0
        while True:
            purged = js_purge(c, "TC_rej_CHECKPOINTS", f"tc.rej.obj.ckpt.{digest}.>")
            expect(purged.get("success"), f"purge: {purged}")
            total += purged.get("purged", 0)
            if total >= 4:  # the second checkpoint's three chunks and description
                break
            expect(append.poll() is None and time.time() < deadline,
                   f"the second checkpoint never reached the stream ({total} of its 4 messages purged): {purged}")
            time.sleep(0.2)
    finally:
        for p in c.nodes.values():
            p.send_signal(signal.SIGCONT)
    out, err = append.communicate(timeout=120)
    expect(append.returncode != 0 and "the nodes rejected the block" in err, f"append without the checkpoint: "
           f"{append.returncode} {out} {err}")
    reasons = [l for i in range(3) for l in open(os.path.join(work, f"rej-node{i}.log"))
               if "rejects block 3: it does not hold the block's checkpoint" in l]
    expect(len(reasons) >= 2, f"the nodes' reasons: {reasons}")
    history = json.loads(c.cli("history", chain, "--json").stdout)
    expect(len(history) == 3, f"the block was appended: {[b['kind'] for b in history]}")
    # The next epoch, with its checkpoint left alone, is appended, and every node holds it.
    c.cli("chain", "append", chain, "--transport", url, "--checkpoint", weights, "--epoch", "2", "--accuracy",
          "0.6", "--loss", "1")
    history = json.loads(c.cli("history", chain, "--json").stdout)
    dirs = [os.path.join(work, f"rej-node{i}") for i in range(3)]
    wait_replicas(c, dirs, history[-1]["hash"])
    check_complete(c, chain, history, dirs)
    print(f"a block whose checkpoint no node could get was rejected ({len(reasons)} nodes: {reasons[0].strip()})")


def run_netns(c, work):
    """Nodes in namespaces of their own: node 3's link is cut for a while, then restored."""
    for i in range(NODES):
        c.start_node(i)
    run_dir = os.path.join(work, "run")
    # More epochs than the scenario needs: the run is stopped once node 3 has voted again.
    t = Train(c, ["-d", run_dir, "--node-keys", os.path.join(work, "keys.txt"), "--epochs", "1000",
                  "--transport", c.url, "--difficulty", "10", "--mining-threads", "1", "--replay", "none"])
    t.wait_for("epoch 2", lambda: len(t.epochs()) >= 2)
    log_path = os.path.join(work, "node3.log")
    c.netns.link(3, False)
    cut_at = len(t.epochs())
    # Long enough for both ends to give the connection up (pings every second, 3 missed).
    t.wait_for("3 epochs while node 3 is cut off", lambda: len(t.epochs()) >= cut_at + 3)
    time.sleep(5)
    logged_before = len(open(log_path).read().splitlines())
    c.netns.link(3, True)
    restored_at = len(t.epochs())
    restored_height = restored_at + 1  # genesis and registration, then one block per epoch

    def node3():
        lines = open(log_path).read().splitlines()[logged_before:]  # what node 3 did once restored
        caught = [l for l in lines if "caught up from height" in l]
        fetched = [l for l in lines if re.search(r"fetched [1-9]\d* missing checkpoint", l)]
        votes = [l for l in lines if l.startswith("node 3: voted") and int(l.rsplit(" ", 1)[1]) > restored_height + 1]
        return caught, fetched, votes

    t.wait_for("node 3 to catch up, fetch the checkpoints it missed and vote again", lambda: all(node3()),
               timeout=60)
    caught, fetched, votes = node3()
    t.proc.send_signal(signal.SIGTERM)
    t.finish()
    history = check_replicas(c, run_dir)
    check_complete(c, run_dir, history, [c.data(i) for i in range(NODES)])
    print(f"node 3 cut off from epoch {cut_at} to {restored_at} (>= 5 s); {caught[0]}; {fetched[0]}; voted "
          f"again on {len(votes)} block(s); chain {len(history)} blocks")


def wait_replicas(c, dirs, tip):
    """Every replica verifies and ends with `tip` (within 30 s)."""
    deadline = time.time() + 30
    for d in dirs:
        while True:
            out = c.cli("node", "verify", d, check=False)
            if out.returncode == 0 and out.stdout.strip().endswith(tip):
                break
            expect(time.time() < deadline, f"replica {d}: {out.stdout}{out.stderr} (server tip {tip})")
            time.sleep(0.2)


def rows(db, sql):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def check_complete(c, run_dir, history, dirs, verify=(0, -1)):
    """Every replica is as complete as the server's store: every epoch's checkpoint file byte-identical
    (with the same file digest recorded), the same gas records and profiles, state journal (each
    block's VM state changes and digest), saved VM state and contract addresses, and no server key (within 60 s: nodes fetch checkpoints in the background); and
    `trainchain verify` (checkpoints included) passes on the replicas `verify` names (a process
    each, slow under the sanitizers: the byte comparisons already cover every replica)."""
    server_db = os.path.join(run_dir, "chain.db")
    digests = sorted({b["checkpoint"] for b in history if b["kind"] in ("epoch", "rollback")})
    expect(digests, "the run has no checkpoints")
    queries = {
        "gas records": "SELECT height, contract, function, gas_used, success FROM gas ORDER BY height, id",
        "gas profiles": "SELECT * FROM gas_profile ORDER BY height, contract, function",
        "state journal": "SELECT height, changes, digest FROM vm_journal ORDER BY height",
        "saved VM state": "SELECT a.address, a.balance, a.nonce, a.code, s.slot, s.value FROM vm_accounts a "
                          "LEFT JOIN vm_storage s ON s.address = a.address ORDER BY a.address, s.slot",
        "contract addresses": "SELECT value FROM meta WHERE key = 'contracts'",
        "checkpoint file digests": "SELECT hex(digest), hex(file_sha256) FROM checkpoint_files WHERE hex(digest) IN (%s) "
                                   "ORDER BY digest" % ",".join(f"'{d.upper()}'" for d in digests),
    }
    server = {what: rows(server_db, sql) for what, sql in queries.items()}
    expect(len(server["checkpoint file digests"]) == len(digests), f"server: {server['checkpoint file digests']}")
    deadline = time.time() + 60
    for d in dirs:
        replica = os.path.join(d, "replica")

        def differences():
            out = []
            for digest in digests:
                ours = os.path.join(replica, "checkpoints", digest + ".zst")
                if not os.path.exists(ours):
                    out.append(f"checkpoint {digest} is missing")
                elif open(ours, "rb").read() != open(os.path.join(run_dir, "checkpoints", digest + ".zst"), "rb").read():
                    out.append(f"checkpoint {digest} differs from the server's file")
            for what, sql in queries.items():
                if rows(os.path.join(replica, "chain.db"), sql) != server[what]:
                    out.append(f"its {what} differ from the server's")
            return out

        while True:
            diff = differences()
            if not diff:
                break
            expect(time.time() < deadline, f"replica {replica}: {'; '.join(diff[:5])}")
            time.sleep(0.5)
        if d in [dirs[i] for i in verify]:
            v = c.cli("verify", replica, check=False)
            expect(v.returncode == 0, f"verify {replica}: {v.stdout}{v.stderr}")
        expect(not any(n.endswith("server_key") for (n,) in rows(os.path.join(replica, "chain.db"),
                                                                  "SELECT key FROM meta")),
               f"replica {replica} holds a server key")
    print(f"all {len(dirs)} replicas complete: {len(digests)} checkpoints byte-identical to the server's, gas "
          f"records ({len(server['gas records'])}), gas profiles ({len(server['gas profiles'])}), VM state and "
          f"contract addresses equal; verify passes on {len(set(dirs[i] for i in verify))} of them")


def check_replicas(c, run_dir):
    """Every replica holds the server's chain, verified."""
    v = c.cli("verify", run_dir)
    history = json.loads(c.cli("history", run_dir, "--json").stdout)
    tip = history[-1]["hash"]
    wait_replicas(c, [c.data(i) for i in range(NODES)], tip)
    print(f"server chain: {len(history)} blocks, {v.stdout.strip()}")
    print(f"all {NODES} replicas verified with tip {tip}")
    return history


if __name__ == "__main__":
    sys.exit(main())
