#!/usr/bin/python3
# examples/fashion_mnist.py: trains a model on Fashion-MNIST, recording each epoch in trainchain.
"""Train an MLP or a small CNN on Fashion-MNIST and record each epoch through ``trainchain serve``.

Every epoch's model and optimizer state is posted to the run. When the server's detector votes a
rollback (NaN loss, accuracy collapse, over-training), the model and optimizer are restored from
the target block, the learning rate is lowered, and training continues from the epoch after the
target. ``--inject nan@3`` sets a weight to NaN at the start of epoch 3 (once) to show it.

The data are Debian's dataset-fashion-mnist files (IDX, gzip), read with gzip + numpy.

Example::

    trainchain serve ws --port 8080 &
    /usr/bin/python3 clients/python/examples/fashion_mnist.py --url http://127.0.0.1:8080 \\
        --workspace ws --run fm1 --epochs 6 --train-limit 10000 --inject nan@3

One line is printed per epoch, and at the end one JSON line with the summary.
"""

import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# The package beside this example, unless the installed one is wanted (tests/test_e2e.py --installed).
if os.environ.get("TRAINCHAIN_CLIENT_INSTALLED") != "1":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

import trainchain  # noqa: E402
from trainchain.pytorch import Recorder  # noqa: E402

DATA_DIR = "/usr/share/datasets/fashion-mnist"
MEAN, STD = 0.2860, 0.3530


def read_idx(path, limit=None):
    """Read at most ``limit`` items of a gzip'ed IDX file into a numpy uint8 array."""
    with gzip.open(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        if magic >> 8 != 0x08:  # 0x08: unsigned bytes
            raise ValueError("%s: not an unsigned-byte IDX file (magic %08x)" % (path, magic))
        ndim = magic & 0xFF
        dims = list(struct.unpack(">" + "I" * ndim, f.read(4 * ndim)))
        if limit is not None:
            dims[0] = min(dims[0], limit)
        count = int(np.prod(dims))
        data = f.read(count)
        if len(data) != count:
            raise ValueError("%s: truncated" % path)
    return np.frombuffer(data, dtype=np.uint8).reshape(dims)


def load_split(data_dir, split, limit):
    """Load ``train`` or ``t10k`` as (float images N x 1 x 28 x 28, normalized; int64 labels)."""
    images = read_idx(os.path.join(data_dir, "%s-images-idx3-ubyte.gz" % split), limit)
    labels = read_idx(os.path.join(data_dir, "%s-labels-idx1-ubyte.gz" % split), limit)
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    x = (x - MEAN) / STD
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


class MLP(nn.Module):
    """784-128-10 perceptron with one hidden ReLU layer."""

    def __init__(self, hidden=128):
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, hidden)
        self.fc2 = nn.Linear(hidden, 10)

    def forward(self, x):
        """Logits for a batch of images."""
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


class SmallCNN(nn.Module):
    """Two 3x3 convolutions with max pooling, then a linear classifier."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc1 = nn.Linear(16 * 7 * 7, 10)

    def forward(self, x):
        """Logits for a batch of images."""
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc1(x.flatten(1))


def train_epoch(model, optimizer, x, y, batch_size, generator):
    """One pass over (x, y) in a shuffled order; return the mean training loss."""
    model.train()
    order = torch.randperm(len(x), generator=generator)
    total, count = 0.0, 0
    for start in range(0, len(x), batch_size):
        idx = order[start:start + batch_size]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x[idx]), y[idx])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(idx)
        count += len(idx)
    return total / max(count, 1)


@torch.no_grad()
def evaluate(model, x, y, batch_size=1000):
    """Return (accuracy, mean loss) on (x, y)."""
    model.eval()
    correct, total = 0, 0.0
    for start in range(0, len(x), batch_size):
        logits = model(x[start:start + batch_size])
        target = y[start:start + batch_size]
        total += F.cross_entropy(logits, target, reduction="sum").item()
        correct += int((logits.argmax(1) == target).sum())
    return correct / len(x), total / len(x)


def parse_inject(text):
    """Parse ``nan@E`` into E (None for no injection)."""
    if not text:
        return None
    kind, _, epoch = text.partition("@")
    if kind != "nan" or not epoch.isdigit() or int(epoch) < 1:
        raise argparse.ArgumentTypeError("--inject takes nan@EPOCH, e.g. nan@3")
    return int(epoch)


def make_client(args):
    """Build the trainchain client from --url and --token / --workspace / $TRAINCHAIN_TOKEN."""
    if args.token:
        return trainchain.Client(args.url, args.token)
    if args.workspace:
        return trainchain.Client.from_workspace(args.url, args.workspace)
    if os.environ.get("TRAINCHAIN_TOKEN"):
        return trainchain.Client(args.url, os.environ["TRAINCHAIN_TOKEN"])
    sys.exit("fashion_mnist.py: give --token, --workspace or $TRAINCHAIN_TOKEN")


def fmt(x):
    """Format a metric for the epoch line."""
    return "%.4f" % x if math.isfinite(x) else str(x)


def main(argv=None):
    """Run the example; return the process exit status."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8080", help="the server's address")
    p.add_argument("--token", help="bearer token")
    p.add_argument("--workspace", help="workspace directory (the token is read from serve.json)")
    p.add_argument("--run", default="fashion-mnist", help="run name (created if absent)")
    p.add_argument("--epochs", type=int, default=6, help="train up to this epoch")
    p.add_argument("--train-limit", type=int, default=20000, help="training images used")
    p.add_argument("--test-limit", type=int, default=2000, help="test images used")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3, help="Adam's learning rate")
    p.add_argument("--lr-factor", type=float, default=0.5,
                   help="multiply the learning rate by this after each rollback")
    p.add_argument("--model", choices=("mlp", "cnn"), default="mlp")
    p.add_argument("--inject", type=parse_inject, default=None, metavar="nan@E",
                   help="make the loss NaN at epoch E (once)")
    p.add_argument("--nodes", type=int, default=100, help="user nodes of a new run")
    p.add_argument("--difficulty", type=int, default=16, help="proof-of-work bits of a new run")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    p.add_argument("--data-dir", default=DATA_DIR)
    args = p.parse_args(argv)

    torch.set_num_threads(max(1, args.threads))
    torch.manual_seed(args.seed)
    client = make_client(args)

    x_train, y_train = load_split(args.data_dir, "train", args.train_limit)
    x_test, y_test = load_split(args.data_dir, "t10k", args.test_limit)
    model = MLP() if args.model == "mlp" else SmallCNN()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    _, created = client.ensure_run(args.run, nodes=args.nodes, difficulty_bits=args.difficulty)
    rec = Recorder(client, args.run, model, optimizer)
    epoch = rec.resume()
    resumed = None if rec.last_restored is None else rec.last_restored.as_dict()
    print("run %s: %s, %d training and %d test images, starting at epoch %d"
          % (args.run, "created" if created else "resumed", len(x_train), len(x_test), epoch),
          flush=True)

    injected = False
    posted, restored_from = [], []
    accuracy = None
    status = 0
    max_posts = 4 * max(args.epochs, 1)
    started = time.monotonic()
    while epoch <= args.epochs and len(posted) < max_posts:
        if args.inject == epoch and not injected:
            with torch.no_grad():
                next(model.parameters()).view(-1)[0] = float("nan")
            injected = True
        gen = torch.Generator().manual_seed(args.seed * 1000 + epoch)
        t0 = time.monotonic()
        loss = train_epoch(model, optimizer, x_train, y_train, args.batch_size, gen)
        accuracy, test_loss = evaluate(model, x_test, y_test)
        train_s = time.monotonic() - t0
        result = rec.record(epoch, accuracy, loss, test_loss)
        posted.append({"epoch": epoch, "height": result.height, "accuracy": accuracy,
                       "loss": loss if math.isfinite(loss) else None,
                       "checkpoint_sha256": result.checkpoint_sha256})
        line = ("epoch %d  loss %s  test_loss %s  accuracy %s  block %s  (%.1f s)"
                % (epoch, fmt(loss), fmt(test_loss), fmt(accuracy), result.height, train_s))
        if result.detection:
            line += "  detected: %s" % result.detection
        if result.rolled_back:
            r = result.restored
            for group in optimizer.param_groups:
                group["lr"] *= args.lr_factor
            restored_from.append(dict(r.as_dict(), rollback_height=result.rollback.get("height"),
                                      lr=optimizer.param_groups[0]["lr"]))
            line += ("  -> rollback voted: restored block %d (epoch %d, accuracy %s, sha256 %s...),"
                     " lr %g, continuing at epoch %d"
                     % (r.height, r.epoch, fmt(r.accuracy), r.checkpoint_sha256[:12],
                        optimizer.param_groups[0]["lr"], result.next_epoch))
            accuracy = r.accuracy
        elif result.rollback_skipped:
            line += "  (no rollback: %s)" % result.rollback_skipped
        print(line, flush=True)
        if not result.rolled_back and not math.isfinite(loss):
            print("the loss is not finite and no rollback was voted: stopping", flush=True)
            status = 3
            break
        epoch = result.next_epoch

    st = client.state(args.run)
    cur = st.get("state") or {}
    summary = {
        "run": args.run,
        "created": created,
        "resumed": resumed,
        "epochs_posted": len(posted),
        "rollbacks": len(restored_from),
        "final_epoch": cur.get("epoch"),
        "final_accuracy": cur.get("accuracy"),
        "final_height": cur.get("height"),
        "next_epoch": st.get("next_epoch"),
        "restored_from": restored_from,
        "restored_checkpoint_sha256": restored_from[-1]["checkpoint_sha256"] if restored_from
        else None,
        "lr": optimizer.param_groups[0]["lr"],
        "posted": posted,
        "seconds": round(time.monotonic() - started, 2),
    }
    print(json.dumps(summary, sort_keys=True), flush=True)
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except trainchain.TrainchainError as exc:
        sys.exit("fashion_mnist.py: %s" % exc)
