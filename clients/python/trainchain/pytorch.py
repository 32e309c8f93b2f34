# trainchain/pytorch.py: records PyTorch training in a trainchain run and restores it on rollback.
"""PyTorch helper: ``Recorder`` posts each epoch's full training state and follows rollbacks.

torch is imported when a ``Recorder`` is made, not when ``trainchain`` is imported. A typical
training loop::

    client = trainchain.Client.from_workspace("http://127.0.0.1:8080", "ws")
    rec = Recorder(client, "run1", model, optimizer)
    epoch = rec.resume()                    # 1 for a new run, or where the chain says to go on
    while epoch <= epochs:
        accuracy, loss, test_loss = train_one_epoch(...)
        result = rec.record(epoch, accuracy, loss, test_loss)
        epoch = result.next_epoch           # epoch + 1, or target_epoch + 1 after a rollback

After ``record`` returns a result with ``rolled_back`` true, the model and optimizer already hold
the rollback target's state (downloaded and checked against the chain's SHA-256).

Checkpoints are ``torch.save`` of ``{"model": state_dict, "optimizer": state_dict, "epoch": E}``
(plus ``"extra"`` when given). torch 1.13's ``weights_only`` loader cannot read an optimizer's
state (it lacks floats), so loading falls back to the ordinary unpickler when ``allow_pickle`` is
true (the default). The bytes loaded are always the ones whose digest the chain records; set
``allow_pickle=False`` if the server itself is not trusted.
"""

import io
import pickle

from .client import ApiError, ChecksumError, TransportError, sha256_hex

__all__ = ["Recorder", "RecordResult", "Restored"]


class Restored:
    """What ``Recorder.restore`` loaded.

    Attributes: ``height`` (the block restored from), ``epoch`` (the checkpoint's epoch),
    ``accuracy`` (as the chain records it, or None), ``checkpoint_sha256``, ``next_epoch`` (the
    epoch to train next), ``extra`` (the ``extra`` saved with the checkpoint, or None).
    """

    def __init__(self, height, epoch, accuracy, checkpoint_sha256, next_epoch, extra=None):
        self.height = height
        self.epoch = epoch
        self.accuracy = accuracy
        self.checkpoint_sha256 = checkpoint_sha256
        self.next_epoch = next_epoch
        self.extra = extra

    def as_dict(self):
        """A JSON-ready dict of the attributes (without ``extra``)."""
        return {"height": self.height, "epoch": self.epoch, "accuracy": self.accuracy,
                "checkpoint_sha256": self.checkpoint_sha256, "next_epoch": self.next_epoch}

    def __repr__(self):
        return "Restored(%r)" % self.as_dict()


class RecordResult:
    """What happened to one recorded epoch.

    Attributes:
      ``epoch``, ``height`` (the epoch's block), ``checkpoint_sha256`` (of the bytes posted),
      ``answer`` (the server's JSON answer; None when it was recovered after a lost connection),
      ``detection`` (None or the server detector's reason), ``rollback`` (None or the voted
      rollback: ``height``, ``target``, ``target_epoch``, ``target_checkpoint``...),
      ``rollback_skipped`` (None or why a detected problem was not rolled back),
      ``rolled_back`` (the model and optimizer were restored), ``restored`` (a ``Restored`` or
      None) and ``next_epoch`` (the epoch the training loop trains next).
    """

    def __init__(self, epoch, height, checkpoint_sha256, answer, detection, rollback,
                 rollback_skipped, restored, next_epoch):
        self.epoch = epoch
        self.height = height
        self.checkpoint_sha256 = checkpoint_sha256
        self.answer = answer
        self.detection = detection
        self.rollback = rollback
        self.rollback_skipped = rollback_skipped
        self.restored = restored
        self.rolled_back = restored is not None
        self.next_epoch = next_epoch

    def __repr__(self):
        return ("RecordResult(epoch=%r, height=%r, detection=%r, rolled_back=%r, next_epoch=%r)"
                % (self.epoch, self.height, self.detection, self.rolled_back, self.next_epoch))


class Recorder:
    """Records a model's training in a trainchain run and follows the chain's rollbacks.

    ``client`` is a ``trainchain.Client``, ``run`` an existing run's name, ``model`` a
    ``torch.nn.Module`` and ``optimizer`` a ``torch.optim.Optimizer``. ``map_location`` is where
    restored tensors go (default: the device of the model's first parameter). ``allow_pickle``:
    see the module documentation.
    """

    def __init__(self, client, run, model, optimizer, map_location=None, allow_pickle=True):
        import torch  # noqa: F401  (fail early, with torch's own message, when it is missing)

        self.client = client
        self.run = run
        self.model = model
        self.optimizer = optimizer
        self.allow_pickle = allow_pickle
        if map_location is None:
            params = list(model.parameters())
            map_location = params[0].device if params else "cpu"
        self.map_location = map_location
        self._blocks = None
        self.last_restored = None

    # ---- serialization ---------------------------------------------------------------------

    def serialize(self, epoch, extra=None):
        """Return the checkpoint bytes for ``epoch``: model, optimizer, epoch (and ``extra``)."""
        import torch

        payload = {"model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
                   "epoch": int(epoch)}
        if extra is not None:
            payload["extra"] = extra
        buf = io.BytesIO()
        torch.save(payload, buf)
        return buf.getvalue()

    def _load(self, data):
        import torch

        try:
            return torch.load(io.BytesIO(data), map_location=self.map_location, weights_only=True)
        except TypeError:  # a torch without weights_only
            if not self.allow_pickle:
                raise
        except pickle.UnpicklingError:
            if not self.allow_pickle:
                raise
        return torch.load(io.BytesIO(data), map_location=self.map_location)

    # ---- restoring -------------------------------------------------------------------------

    def restore(self, height, expected_sha256=None, next_epoch=None):
        """Load the model and optimizer from the checkpoint of the block at ``height``.

        The bytes are checked against the block's recorded digest (and ``expected_sha256`` when
        given). Returns a ``Restored``; its ``next_epoch`` is ``next_epoch`` if given, else the
        checkpoint's epoch + 1.
        """
        block = self.client.block(self.run, height)
        recorded = block.get("checkpoint")
        if expected_sha256 is not None and recorded != expected_sha256.lower():
            raise ChecksumError("block %s records checkpoint %s, expected %s"
                                % (height, recorded, expected_sha256), expected_sha256, recorded)
        if not block.get("checkpoint_size"):
            raise ValueError("block %s (%s) has no checkpoint to restore"
                             % (height, block.get("kind")))
        data = self.client.checkpoint(self.run, height, expected_sha256=recorded)
        payload = self._load(data)
        if not isinstance(payload, dict) or "model" not in payload or "optimizer" not in payload:
            raise ValueError("the checkpoint of block %s is not a Recorder checkpoint" % height)
        self.model.load_state_dict(payload["model"])
        self.optimizer.load_state_dict(payload["optimizer"])
        epoch = int(payload.get("epoch", block.get("epoch", 0)))
        restored = Restored(int(height), epoch, block.get("accuracy"), sha256_hex(data),
                            next_epoch if next_epoch is not None else epoch + 1,
                            payload.get("extra"))
        self.last_restored = restored
        return restored

    def restore_decision(self):
        """Restore the chain's current state (for instance after a rollback voted elsewhere).

        Returns a ``Restored``, or None when the run has no epoch yet (nothing is changed).
        """
        st = self.client.state(self.run)
        self._blocks = st.get("blocks")
        cur = st.get("state")
        if not cur:
            return None
        return self.restore(cur["height"], expected_sha256=cur["checkpoint"],
                            next_epoch=st.get("next_epoch"))

    def resume(self):
        """Prepare a (re)started training script: restore the chain's state if there is one.

        Returns the epoch to train next: 1 for a run without epochs, else the server's
        ``next_epoch`` (the details are in ``last_restored``).
        """
        restored = self.restore_decision()
        if restored is None:
            return 1
        return restored.next_epoch

    # ---- recording -------------------------------------------------------------------------

    def record(self, epoch, accuracy, loss, test_loss, extra=None):
        """Post ``epoch`` with its metrics and the current training state; follow a rollback.

        Returns a ``RecordResult``. When the server's detector voted a rollback, the model and
        optimizer are restored from the target block before returning and ``next_epoch`` is
        the target's epoch + 1. ``extra`` (picklable) is saved in the checkpoint and given back
        by ``restore``.

        If the connection fails after the epoch may have been sent, the epoch is not posted
        again blindly: the history is searched for it. If it landed, the result is built from
        the chain's state (restoring if a rollback followed); if not, it is posted once more.
        """
        data = self.serialize(epoch, extra)
        digest = sha256_hex(data)
        if self._blocks is None:
            self._blocks = self.client.state(self.run).get("blocks", 0)
        since = self._blocks
        try:
            answer = self.client.post_epoch(self.run, epoch, accuracy, loss, test_loss, data,
                                            sha256=digest)
        except TransportError as exc:
            if not exc.sent:
                raise
            landed = self.client.epoch_landed(self.run, epoch, digest, since)
            if landed is not None:
                return self._recovered(epoch, digest, landed)
            try:
                answer = self.client.post_epoch(self.run, epoch, accuracy, loss, test_loss, data,
                                                sha256=digest)
            except ApiError as again:
                landed = None
                if again.status == 409:
                    landed = self.client.epoch_landed(self.run, epoch, digest, since)
                if landed is None:
                    raise
                return self._recovered(epoch, digest, landed)
        self._blocks = answer.get("blocks", self._blocks)
        rollback = answer.get("rollback")
        restored = None
        if rollback:
            restored = self.restore(rollback["target"],
                                    expected_sha256=rollback["target_checkpoint"],
                                    next_epoch=answer.get("next_epoch"))
        return RecordResult(int(epoch), answer.get("height"), digest, answer,
                            answer.get("detection"), rollback, answer.get("rollback_skipped"),
                            restored, answer.get("next_epoch", int(epoch) + 1))

    def _recovered(self, epoch, digest, block):
        """Build the result of an epoch that landed although its answer was lost."""
        st = self.client.state(self.run)
        self._blocks = st.get("blocks", self._blocks)
        cur = st.get("state") or {}
        restored = None
        rollback = None
        if cur.get("height") != block["height"]:
            # Something (the detector's vote) moved the state after the epoch: follow it.
            restored = self.restore(cur["height"], expected_sha256=cur["checkpoint"],
                                    next_epoch=st.get("next_epoch"))
            rollback = {"target": cur["height"], "target_epoch": cur.get("epoch"),
                        "target_checkpoint": cur.get("checkpoint")}
        return RecordResult(int(epoch), block["height"], digest, None, None, rollback, None,
                            restored, st.get("next_epoch", int(epoch) + 1))
