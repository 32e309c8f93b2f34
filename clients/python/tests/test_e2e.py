#!/usr/bin/python3
# tests/test_e2e.py: end-to-end tests of the Python client and example against `trainchain serve`.
"""End-to-end tests of ``clients/python`` against the real server.

Usage::

    /usr/bin/python3 clients/python/tests/test_e2e.py --trainchain build/dev/bin/trainchain [-v]
    VENV/bin/python clients/python/tests/test_e2e.py --installed --trainchain ...  # pip-installed

The server is started on a free loopback port in a temporary workspace and stopped with SIGTERM
at the end, whatever happens. Tests:

- ``ClientTests``: the client alone: a wrong token (401), a run that exists (409), a wrong epoch
  number (409 with ``expected_epoch``), a damaged upload (X-Checkpoint-SHA256 mismatch, 400),
  checkpoint digest verification, streamed bodies, every read endpoint, GET retries, and a POST
  whose answer is lost (never re-posted blindly).
- ``RecorderTests`` (needs torch): ``Recorder`` after a lost answer, and restoring a block.
- ``ExampleTests`` (needs torch and the Debian Fashion-MNIST files): runs
  ``examples/fashion_mnist.py`` for 5 epochs with ``--inject nan@3`` and checks the chain: the
  NaN epoch's block, the detector's rollback to the best earlier epoch, the exact checkpoint the
  example restored, training continued to epoch 5 with consecutive epochs on the final line, a
  verified chain, and resuming the run from a second process.

Exit status: 0 when all pass, 1 on a failure (or, with ``--require-torch``, as ctest runs it, a
test skipped for want of torch or the dataset), 77 when the trainchain binary is missing.
"""

import argparse
import hashlib
import io
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)
# --installed (as ctest runs it, after `pip install ./clients/python` into a venv): the tests and the
# example import the installed package with this interpreter, never the source tree.
INSTALLED = "--installed" in sys.argv
if not INSTALLED:
    sys.path.insert(0, PACKAGE_ROOT)

import trainchain  # noqa: E402
from trainchain import ApiError, ChecksumError, Client, TransportError  # noqa: E402

EXAMPLE = os.path.join(PACKAGE_ROOT, "examples", "fashion_mnist.py")
DATA_DIR = "/usr/share/datasets/fashion-mnist"
if INSTALLED:
    PYTHON = sys.executable
    os.environ["TRAINCHAIN_CLIENT_INSTALLED"] = "1"  # the example then leaves sys.path alone
else:
    PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

TRAINCHAIN = None  # set by main()
SERVER = None


def have_torch():
    """Tell whether torch and numpy can be imported."""
    try:
        import numpy  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


class Server:
    """A ``trainchain serve`` process on a free port, in its own temporary workspace."""

    def __init__(self, binary):
        self.tmp = tempfile.TemporaryDirectory(prefix="trainchain-py-")
        self.workspace = os.path.join(self.tmp.name, "ws")
        self.output = []
        self.proc = subprocess.Popen(
            [binary, "serve", self.workspace, "--port", "0", "--mining-threads", "1",
             "--threads", "4"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        first = self._first_line(timeout=20)
        marker = "listening on "
        if marker not in first:
            self.stop()
            raise RuntimeError("trainchain serve did not start: %r" % first)
        self.url = first.split(marker, 1)[1].split()[0]
        with open(os.path.join(self.workspace, "serve.json"), encoding="utf-8") as f:
            self.token = json.load(f)["token"]
        self._drain = threading.Thread(target=self._read_rest, daemon=True)
        self._drain.start()

    def _first_line(self, timeout):
        box = []
        reader = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(timeout)
        return box[0] if box else ""

    def _read_rest(self):
        for line in self.proc.stdout:
            self.output.append(line)

    def client(self, **kwargs):
        """A client of this server."""
        return Client(self.url, self.token, **kwargs)

    def stop(self):
        """Stop the server with SIGTERM (SIGKILL after 15 s); return its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.tmp.cleanup()
        return self.proc.returncode


class LossyProxy:
    """A one-connection-at-a-time HTTP proxy in front of the server that loses one exchange.

    For the first request whose request line contains ``match``, it either forwards the request
    and then closes the client's connection without the answer (``mode="answer"``), or closes it
    without forwarding anything (``mode="request"``). Everything else is passed through.
    """

    def __init__(self, upstream_url, match, mode):
        hostport = upstream_url.split("://", 1)[1].rstrip("/")
        host, port = hostport.rsplit(":", 1)
        self.upstream = (host, int(port))
        self.match = match.encode()
        self.mode = mode
        self.dropped = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @staticmethod
    def _read_message(sock):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        return head + b"\r\n\r\n" + body

    def _serve(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with conn:
                request = self._read_message(conn)
                first_line = request.split(b"\r\n", 1)[0]
                lose = self.dropped == 0 and self.match in first_line
                if lose and self.mode == "request":
                    self.dropped += 1
                    continue
                with socket.create_connection(self.upstream) as up:
                    up.sendall(request)
                    answer = self._read_message(up)
                if lose:
                    self.dropped += 1
                    continue
                conn.sendall(answer)

    def close(self):
        """Stop the proxy."""
        self._stop = True
        self.thread.join(5)
        self.sock.close()


def setUpModule():
    """Start the server shared by every test."""
    global SERVER
    SERVER = Server(TRAINCHAIN)


def tearDownModule():
    """Stop the server, whatever happened."""
    if SERVER is not None:
        status = SERVER.stop()
        if status not in (0, None):
            raise RuntimeError("trainchain serve exited with %s" % status)


def live_line(history):
    """The epoch blocks still on the chain's live line: rolled-back epochs are dropped."""
    line = []
    for block in history:
        if block["kind"] == "epoch":
            line.append(block)
        elif block["kind"] == "rollback":
            line = [b for b in line if b["height"] <= block["target"]]
    return line


class ClientTests(unittest.TestCase):
    """The client against the live server, without torch."""

    @classmethod
    def setUpClass(cls):
        cls.client = SERVER.client(timeout=60)
        cls.client.create_run("client-tests", nodes=5, difficulty_bits=8)

    def test_wrong_token_is_401(self):
        bad = Client(SERVER.url, "0" * 64)
        with self.assertRaises(ApiError) as ctx:
            bad.runs()
        self.assertEqual(ctx.exception.status, 401)
        self.assertIn("token", ctx.exception.message)
        with self.assertRaises(ApiError) as ctx:
            bad.post_epoch("client-tests", 1, 0.5, 1.0, 1.0, b"x")
        self.assertEqual(ctx.exception.status, 401)

    def test_from_workspace(self):
        client = Client.from_workspace(SERVER.url, SERVER.workspace)
        self.assertIn("client-tests", [r["name"] for r in client.runs()])

    def test_create_existing_run_is_409(self):
        with self.assertRaises(ApiError) as ctx:
            self.client.create_run("client-tests")
        self.assertEqual(ctx.exception.status, 409)
        answer, created = self.client.ensure_run("client-tests")
        self.assertFalse(created)
        self.assertIn("next_epoch", answer)

    def test_unknown_run_is_404(self):
        with self.assertRaises(ApiError) as ctx:
            self.client.state("no-such-run")
        self.assertEqual(ctx.exception.status, 404)

    def test_epochs_conflicts_digests_and_reads(self):
        c = self.client
        run = "epochs"
        created = c.create_run(run, nodes=5, difficulty_bits=8)
        self.assertEqual(created["next_epoch"], 1)
        self.assertIsNone(created["state"])

        # Wrong epoch number: 409 carrying expected_epoch.
        with self.assertRaises(ApiError) as ctx:
            c.post_epoch(run, 4, 0.5, 1.0, 1.0, b"ckpt")
        self.assertEqual(ctx.exception.status, 409)
        self.assertEqual(ctx.exception.expected_epoch, 1)

        # A digest that does not match the body: 400, nothing recorded.
        with self.assertRaises(ApiError) as ctx:
            c.post_epoch(run, 1, 0.5, 1.0, 1.0, b"ckpt", sha256="0" * 64)
        self.assertEqual(ctx.exception.status, 400)
        self.assertIn("X-Checkpoint-SHA256", ctx.exception.message)
        self.assertIsNone(c.state(run)["state"])

        # Bytes, a seekable file and a pipe (not seekable) are all streamed with their digest.
        first = os.urandom(3000)
        a1 = c.post_epoch(run, 1, 0.5, 1.2, 1.1, first)
        self.assertEqual(a1["checkpoint"], hashlib.sha256(first).hexdigest())
        self.assertIsNone(a1["detection"])
        self.assertEqual(a1["next_epoch"], 2)

        second = os.urandom(2_500_000)
        f = io.BytesIO(b"skipped" + second)
        f.seek(7)
        a2 = c.post_epoch(run, 2, 0.6, 1.0, 0.9, f)
        self.assertEqual(a2["checkpoint"], hashlib.sha256(second).hexdigest())

        third = os.urandom(100_000)
        r, w = os.pipe()
        writer = threading.Thread(target=lambda: (os.write(w, third), os.close(w)))
        writer.start()
        with os.fdopen(r, "rb") as pipe:
            a3 = c.post_epoch(run, 3, 0.62, 0.9, 0.85, pipe)
        writer.join()
        self.assertEqual(a3["checkpoint"], hashlib.sha256(third).hexdigest())

        # Checkpoints come back verified, as bytes or streamed.
        self.assertEqual(c.checkpoint(run, a2["height"]), second)
        self.assertEqual(c.checkpoint(run, a1["height"], expected_sha256=a1["checkpoint"]), first)
        out = io.BytesIO()
        self.assertEqual(c.checkpoint(run, a3["height"], out=out), a3["checkpoint"])
        self.assertEqual(out.getvalue(), third)
        with self.assertRaises(ChecksumError):
            c.checkpoint(run, a1["height"], expected_sha256=a2["checkpoint"])
        with self.assertRaises(ChecksumError):
            c.checkpoint(run, a3["height"], expected_sha256="f" * 64, out=io.BytesIO())
        with self.assertRaises(ApiError) as ctx:
            c.checkpoint(run, 999)
        self.assertEqual(ctx.exception.status, 404)

        # A NaN loss: the detector votes a rollback to the best earlier epoch (epoch 3).
        a4 = c.post_epoch(run, 4, 0.63, float("nan"), float("inf"), b"broken")
        self.assertIsNotNone(a4["detection"])
        self.assertIsNotNone(a4["rollback"])
        self.assertEqual(a4["rollback"]["target"], a3["height"])
        self.assertEqual(a4["rollback"]["target_checkpoint"], a3["checkpoint"])
        self.assertEqual(a4["next_epoch"], 4)
        nan_block = c.block(run, a4["height"])
        self.assertIsNone(nan_block["loss"])

        # A rollback asked for by the client, to a chosen block.
        rb = c.rollback(run, to=a1["height"], reason="client test")
        self.assertEqual(rb["target"], a1["height"])
        self.assertEqual(rb["target_epoch"], 1)
        self.assertEqual(rb["next_epoch"], 2)
        state = c.state(run)
        self.assertEqual(state["state"]["checkpoint"], a1["checkpoint"])
        self.assertEqual(state["rollbacks"], 2)

        # The read endpoints.
        history = c.history(run)
        self.assertEqual([b["kind"] for b in history],
                         ["genesis", "registration", "epoch", "epoch", "epoch", "epoch",
                          "rollback", "rollback"])
        self.assertEqual([b["epoch"] for b in live_line(history)], [1])
        block = c.block(run, a2["height"])
        self.assertEqual(block["hash"], a2["hash"])
        self.assertTrue(block["vote_list"])
        self.assertNotIn("proposal_list", block)
        # A rollback block shows the nodes' signed restore points it records.
        rolled = c.block(run, rb["height"])
        self.assertEqual(rolled["proposals"], len(rolled["proposal_list"]))
        self.assertGreater(len(rolled["proposal_list"]) * 2, 5)
        for proposal in rolled["proposal_list"]:
            self.assertEqual(proposal["target"], a1["height"])
            self.assertEqual(len(proposal["signature"]), 128)
        self.assertEqual(len(c.nodes(run)["nodes"]), 5)
        self.assertIn("measured", c.gas(run))
        self.assertIn("points", c.recovery(run, keep=2))
        verdict = c.verify(run)
        self.assertTrue(verdict["ok"], verdict)
        self.assertEqual(verdict["blocks"], len(history))
        self.assertIn("paths", c.openapi())

    def test_get_retries_then_fails_when_nobody_listens(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        client = Client("http://127.0.0.1:%d" % port, "x", retries=2, backoff=0.05, timeout=5)
        started = time.monotonic()
        with self.assertRaises(TransportError) as ctx:
            client.runs()
        self.assertFalse(ctx.exception.sent)
        self.assertGreaterEqual(time.monotonic() - started, 0.14)  # 0.05 + 0.1 of pauses

    def test_lost_answer_is_not_reposted(self):
        run = "lost-answer"
        self.client.create_run(run, nodes=5, difficulty_bits=8)
        proxy = LossyProxy(SERVER.url, "/epochs", "answer")
        try:
            lossy = Client(proxy.url, SERVER.token, timeout=30)
            data = b"epoch one"
            with self.assertRaises(TransportError) as ctx:
                lossy.post_epoch(run, 1, 0.5, 1.0, 1.0, data)
            self.assertTrue(ctx.exception.sent)
            self.assertEqual(proxy.dropped, 1)
        finally:
            proxy.close()
        landed = self.client.epoch_landed(run, 1, hashlib.sha256(data).hexdigest(), since_height=2)
        self.assertIsNotNone(landed)
        self.assertEqual(self.client.state(run)["next_epoch"], 2)
        self.assertIsNone(self.client.epoch_landed(run, 2, hashlib.sha256(data).hexdigest()))


@unittest.skipUnless(have_torch(), "torch is not installed")
class RecorderTests(unittest.TestCase):
    """``trainchain.pytorch.Recorder`` on a tiny model."""

    def make(self, client, run):
        import torch

        from trainchain.pytorch import Recorder

        torch.manual_seed(1)
        model = torch.nn.Linear(4, 3)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        return model, optimizer, Recorder(client, run, model, optimizer)

    def step(self, model, optimizer):
        import torch

        optimizer.zero_grad()
        model(torch.randn(8, 4)).pow(2).sum().backward()
        optimizer.step()

    def test_recovers_after_lost_answer_and_lost_request(self):
        import torch

        client = SERVER.client()
        run = "recorder-lost"
        client.create_run(run, nodes=5, difficulty_bits=8)
        for mode in ("answer", "request"):
            proxy = LossyProxy(SERVER.url, "/epochs", mode)
            try:
                model, optimizer, rec = self.make(Client(proxy.url, SERVER.token), run)
                epoch = rec.resume()
                self.step(model, optimizer)
                result = rec.record(epoch, 0.5 + epoch / 100, 1.0, 1.0)
                self.assertEqual(proxy.dropped, 1)
            finally:
                proxy.close()
            self.assertFalse(result.rolled_back)
            self.assertEqual(result.next_epoch, epoch + 1)
            if mode == "answer":
                self.assertIsNone(result.answer)  # rebuilt from the chain, not re-posted
            else:
                self.assertIsNotNone(result.answer)  # never arrived, so posted again
        history = client.history(run)
        self.assertEqual([b["epoch"] for b in history if b["kind"] == "epoch"], [1, 2])

        # restore() puts back exactly the recorded weights.
        model, optimizer, rec = self.make(client, run)
        with torch.no_grad():
            model.weight.fill_(7.0)
        restored = rec.restore(history[-1]["height"])
        self.assertEqual(restored.epoch, 2)
        self.assertEqual(restored.checkpoint_sha256, history[-1]["checkpoint"])
        self.assertFalse(bool((model.weight == 7.0).any()))
        self.assertTrue(optimizer.state)  # momentum buffers came back too
        with self.assertRaises(ValueError):
            rec.restore(0)  # the genesis block has no checkpoint


@unittest.skipUnless(have_torch() and os.path.exists(
    os.path.join(DATA_DIR, "train-images-idx3-ubyte.gz")),
    "torch or Debian's dataset-fashion-mnist is not installed")
class ExampleTests(unittest.TestCase):
    """The Fashion-MNIST example with a NaN injected at epoch 3."""

    RUN = "fashion-e2e"

    def run_example(self, *extra):
        cmd = [PYTHON, EXAMPLE, "--url", SERVER.url, "--workspace", SERVER.workspace,
               "--run", self.RUN, "--train-limit", "3000", "--test-limit", "1000",
               "--nodes", "10", "--difficulty", "12", "--seed", "3", "--threads", "1"]
        proc = subprocess.run(cmd + list(extra), capture_output=True, text=True, timeout=240)
        sys.stderr.write(proc.stdout)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.strip().splitlines()
        return lines, json.loads(lines[-1])

    def test_nan_rollback_restore_and_resume(self):
        lines, summary = self.run_example("--epochs", "5", "--inject", "nan@3")
        c = SERVER.client()
        history = c.history(self.RUN)
        by_height = {b["height"]: b for b in history}

        # The NaN epoch was recorded.
        nan_blocks = [b for b in history if b["kind"] == "epoch" and b["epoch"] == 3
                      and b["loss"] is None]
        self.assertEqual(len(nan_blocks), 1, history)
        nan_block = nan_blocks[0]

        # The detector's rollback follows it, to the best earlier epoch.
        rollback = by_height[nan_block["height"] + 1]
        self.assertEqual(rollback["kind"], "rollback")
        self.assertIn("not finite", rollback["note"])
        earlier = [b for b in live_line([b for b in history if b["height"] < nan_block["height"]])]
        best = max(b["accuracy"] for b in earlier)
        target = by_height[rollback["target"]]
        self.assertEqual(target["kind"], "epoch")
        self.assertEqual(target["accuracy"], best)
        self.assertLess(target["epoch"], 3)
        self.assertEqual(rollback["checkpoint"], target["checkpoint"])

        # The example restored exactly that checkpoint.
        self.assertEqual(summary["rollbacks"], 1)
        self.assertEqual(summary["restored_from"][0]["height"], target["height"])
        self.assertEqual(summary["restored_checkpoint_sha256"], target["checkpoint"])
        data = c.checkpoint(self.RUN, target["height"])
        self.assertEqual(hashlib.sha256(data).hexdigest(), summary["restored_checkpoint_sha256"])
        import torch

        payload = torch.load(io.BytesIO(data), map_location="cpu")
        self.assertEqual(payload["epoch"], target["epoch"])
        self.assertTrue(all(bool(torch.isfinite(t).all()) for t in payload["model"].values()))

        # Training went on after the rollback, from the target's next epoch, with finite losses.
        after = [b for b in history if b["kind"] == "epoch" and b["height"] > rollback["height"]]
        self.assertEqual(after[0]["epoch"], target["epoch"] + 1)
        self.assertTrue(all(b["loss"] is not None and math.isfinite(b["loss"]) for b in after))
        self.assertEqual(summary["final_epoch"], 5)
        self.assertEqual(summary["epochs_posted"], 5 + (3 - target["epoch"]))
        self.assertTrue(any("rollback voted" in line for line in lines))

        # The final line of training: epochs 1..5, consecutive, each once.
        self.assertEqual([b["epoch"] for b in live_line(history)], [1, 2, 3, 4, 5])
        self.assertGreater(summary["final_accuracy"], 0.6)
        verdict = c.verify(self.RUN)
        self.assertTrue(verdict["ok"], verdict)

        # A second process resumes the run where the chain says, without a new rollback.
        lines, summary2 = self.run_example("--epochs", "6")
        self.assertFalse(summary2["created"])
        self.assertEqual(summary2["resumed"]["epoch"], 5)
        self.assertEqual(summary2["resumed"]["checkpoint_sha256"],
                         live_line(history)[-1]["checkpoint"])
        self.assertEqual(summary2["epochs_posted"], 1)
        self.assertEqual(summary2["final_epoch"], 6)
        history = c.history(self.RUN)
        self.assertEqual([b["epoch"] for b in live_line(history)], [1, 2, 3, 4, 5, 6])
        self.assertTrue(c.verify(self.RUN)["ok"])


def main():
    """Parse ``--trainchain PATH`` and run the tests; return the exit status."""
    global TRAINCHAIN
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--trainchain", default=os.environ.get("TRAINCHAIN_BIN"))
    parser.add_argument("--require-torch", action="store_true",
                        help="fail instead of skipping when torch or the dataset is missing (CI)")
    parser.add_argument("--installed", action="store_true",
                        help="test the installed package (see INSTALLED), not clients/python")
    args, rest = parser.parse_known_args()
    source_package = os.path.join(PACKAGE_ROOT, "trainchain") + os.sep
    if args.installed and os.path.abspath(trainchain.__file__).startswith(source_package):
        print("test_e2e.py: --installed, but trainchain was imported from the source tree: %s"
              % trainchain.__file__, file=sys.stderr)
        return 1
    print("test_e2e.py: trainchain from %s" % os.path.dirname(trainchain.__file__), file=sys.stderr)
    if not args.trainchain:
        args.trainchain = os.path.join(PACKAGE_ROOT, os.pardir, os.pardir, "build", "dev", "bin",
                                       "trainchain")
    if not os.access(args.trainchain, os.X_OK):
        print("test_e2e.py: no trainchain binary at %s (give --trainchain PATH)" % args.trainchain,
              file=sys.stderr)
        return 77
    TRAINCHAIN = os.path.abspath(args.trainchain)
    started = time.monotonic()
    program = unittest.main(argv=[sys.argv[0]] + rest, exit=False)
    print("test_e2e.py: %.1f s" % (time.monotonic() - started), file=sys.stderr)
    if args.require_torch and program.result.skipped:
        print("test_e2e.py: error: %d test(s) skipped with --require-torch: %s" % (
            len(program.result.skipped), "; ".join(r for _, r in program.result.skipped)), file=sys.stderr)
        return 1
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
