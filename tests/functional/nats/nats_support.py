# tests/functional/nats/nats_support.py - what the multi-process NATS tests share: failures as
# values (Fail, expect), free loopback ports, the user nodes as `trainchain node run` processes with
# their keys, and `trainchain train --json` in the background. Every wait has a deadline.
import json
import os
import signal
import socket
import subprocess
import threading
import time


class Fail(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise Fail(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(host, port, what, timeout):
    """Waits until something accepts connections on host:port."""
    deadline = time.time() + timeout
    while True:
        try:
            socket.create_connection((host, port), timeout=0.2).close()
            return
        except OSError:
            expect(time.time() < deadline, f"{what} did not start")
            time.sleep(0.05)


class Nodes:
    """The CLI and the user nodes of one test: `count` node keys made in `work` (their public keys
    in `keys.txt`), node processes started by the test (`nodes`: index -> process)."""

    def __init__(self, trainchain, work, count, cli_timeout):
        self.bin = trainchain
        self.work = work
        self.cli_timeout = cli_timeout
        self.nodes = {}
        self.keys = []
        for i in range(count):
            out = self.cli("node", "keygen", self.key(i)).stdout.strip()
            expect(len(out) == 64, f"keygen printed {out!r}")
            self.keys.append(out)
        with open(os.path.join(work, "keys.txt"), "w") as f:
            f.write("# the run's nodes\n" + "\n".join(self.keys) + "\n")

    def key(self, i):
        return os.path.join(self.work, f"node{i}.key")

    def data(self, i):
        return os.path.join(self.work, f"node{i}")

    def cli(self, *args, check=True, timeout=None):
        r = subprocess.run([self.bin, *args], capture_output=True, text=True, timeout=timeout or self.cli_timeout)
        if check and r.returncode != 0:
            raise Fail(f"trainchain {' '.join(args)} exited {r.returncode}: {r.stderr[-2000:]}")
        return r

    def spawn_node(self, i, url, wrap=()):
        """`node run` for node i on `url` (under `wrap`, e.g. `ip netns exec NAME`), logged to nodeI.log."""
        log = open(os.path.join(self.work, f"node{i}.log"), "a")
        self.nodes[i] = subprocess.Popen(
            [*wrap, self.bin, "node", "run", "--transport", url, "--key", self.key(i), "--data", self.data(i)],
            stdout=log, stderr=subprocess.STDOUT)

    def kill_node(self, i):
        p = self.nodes.pop(i)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=10)

    def stop_nodes(self):
        for p in self.nodes.values():
            p.terminate()
        for p in self.nodes.values():
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


class Train:
    """`trainchain train --json` in the background; events collected as they come. `wait_timeout`
    and `finish_timeout` are the default deadlines of wait_for and finish."""

    def __init__(self, owner, args, wait_timeout, finish_timeout):
        self.proc = subprocess.Popen([owner.bin, "train", *args, "--json"], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.wait_timeout, self.finish_timeout = wait_timeout, finish_timeout
        self.events, self.stderr = [], []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, args=(self.proc.stdout, self.events), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr), daemon=True).start()

    def _read(self, stream, into):
        for line in stream:
            with self.lock:
                into.append(json.loads(line) if into is self.events else line.rstrip("\n"))

    def epochs(self):
        with self.lock:
            return [e for e in self.events if e.get("event") == "epoch"]

    def count(self, kind):
        with self.lock:
            return sum(1 for e in self.events if e.get("event") == kind)

    def wait_for(self, what, cond, timeout=None):
        deadline = time.time() + (timeout or self.wait_timeout)
        while not cond():
            expect(self.proc.poll() is None or cond(),
                   f"train exited {self.proc.returncode} while waiting for {what}: {self.stderr[-5:]}")
            expect(time.time() < deadline, f"timed out waiting for {what}; stderr: {self.stderr[-5:]}")
            time.sleep(0.05)

    def finish(self, timeout=None):
        self.proc.wait(timeout=timeout or self.finish_timeout)
        time.sleep(0.2)
        return self.proc.returncode
