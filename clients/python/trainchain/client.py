# trainchain/client.py: standard-library HTTP client of trainchain's JSON API (`trainchain serve`).
"""The HTTP client of trainchain's API (see docs/api.md and docs/openapi.json).

Only the Python standard library is used: ``http.client`` for the transport, ``json`` for the
answers and ``hashlib`` for the SHA-256 digests of checkpoints.

Errors
------
- ``ApiError``: the server answered with a 4xx or 5xx status. It carries ``status``, the server's
  ``message`` (the ``"error"`` field) and, for a 409 on a wrong epoch number, ``expected_epoch``.
- ``ChecksumError``: a checkpoint's bytes do not hash to the digest the server or caller named.
- ``TransportError``: the connection failed or timed out. ``sent`` tells whether the request may
  have reached the server.

Retries and posting epochs
--------------------------
GET requests are idempotent, so a GET that fails with a connection error (refused, reset, closed
before the answer) is retried a few times with a growing pause. Timeouts are not retried.

POST requests are never repeated by the client. Re-posting an epoch blindly could record it twice
or, worse, be answered 409 after the first attempt landed and triggered a rollback. When a POST of
an epoch fails after the request may have been sent (``TransportError.sent`` is true), ask the
server what happened: ``Client.epoch_landed(run, epoch, sha256, since_height)`` looks for the epoch
block in the history, and ``Client.state(run)`` gives the chain's current state and
``next_epoch`` (which also reflects a rollback the detector may have voted right after the
epoch). ``trainchain.pytorch.Recorder.record`` does exactly this.
"""

import hashlib
import http.client
import json
import math
import os
import socket
import tempfile
import time
import urllib.parse

__all__ = [
    "ApiError",
    "ChecksumError",
    "Client",
    "TrainchainError",
    "TransportError",
    "sha256_hex",
]

_CHUNK = 1 << 20


class TrainchainError(Exception):
    """Base class of every error the client raises."""


class ApiError(TrainchainError):
    """The server answered with an error status (4xx or 5xx).

    Attributes: ``status`` (int), ``message`` (the server's ``"error"`` text), ``body`` (the
    decoded JSON answer, or None), ``expected_epoch`` (int for a 409 on a wrong epoch number,
    otherwise None), ``method`` and ``path`` of the request.
    """

    def __init__(self, status, message, body=None, method=None, path=None):
        self.status = status
        self.message = message
        self.body = body
        self.method = method
        self.path = path
        self.expected_epoch = None
        if isinstance(body, dict) and isinstance(body.get("expected_epoch"), int):
            self.expected_epoch = body["expected_epoch"]
        where = "%s %s: " % (method, path) if method else ""
        super().__init__("%sHTTP %d: %s" % (where, status, message))


class ChecksumError(TrainchainError):
    """A checkpoint's SHA-256 digest is not the one expected.

    Attributes: ``expected`` and ``actual`` (hex digests).
    """

    def __init__(self, message, expected=None, actual=None):
        self.expected = expected
        self.actual = actual
        super().__init__(message)


class TransportError(TrainchainError):
    """The request failed below HTTP: connection refused or reset, timeout, closed stream.

    ``sent`` is False when the request certainly never reached the server (the connection could
    not be opened), so it is safe to try again. When ``sent`` is True the outcome is unknown: for
    a POST, check the server's state before doing anything else (see the module documentation).
    ``cause`` is the underlying exception.
    """

    def __init__(self, message, method=None, path=None, sent=False, cause=None):
        self.method = method
        self.path = path
        self.sent = sent
        self.cause = cause
        super().__init__(message)


def sha256_hex(data):
    """Return the SHA-256 hex digest of ``data`` (bytes-like)."""
    return hashlib.sha256(data).hexdigest()


def _format_number(value):
    """Format a float for a query string: ``nan``, ``inf`` and ``-inf`` as the server reads them."""
    x = float(value)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(x)


def _is_retryable(exc):
    """Tell whether a failed GET may be repeated: connection errors yes, timeouts no."""
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return False
    return isinstance(exc, (ConnectionError, http.client.RemoteDisconnected,
                            http.client.BadStatusLine, http.client.IncompleteRead))


class _Body:
    """A request body ready to send: a bytes object or a positioned file, its length and digest."""

    def __init__(self, data, length, digest, owned=None):
        self.data = data
        self.length = length
        self.digest = digest
        self._owned = owned

    def close(self):
        """Release a temporary spool file, if one was made."""
        if self._owned is not None:
            self._owned.close()
            self._owned = None


def _prepare_checkpoint(checkpoint):
    """Turn bytes, a file-like object or a path into a ``_Body`` with length and SHA-256."""
    if isinstance(checkpoint, (bytes, bytearray, memoryview)):
        data = bytes(checkpoint)
        return _Body(data, len(data), sha256_hex(data))
    if isinstance(checkpoint, os.PathLike):
        f = open(checkpoint, "rb")
        try:
            body = _prepare_checkpoint(f)
        except BaseException:
            f.close()
            raise
        body._owned = f
        return body
    if not hasattr(checkpoint, "read"):
        raise TypeError("checkpoint must be bytes, a binary file-like object or a path, not %s"
                        % type(checkpoint).__name__)
    seekable = False
    try:
        seekable = checkpoint.seekable()
    except (AttributeError, OSError, ValueError):
        seekable = False
    digest = hashlib.sha256()
    if seekable:
        start = checkpoint.tell()
        while True:
            chunk = checkpoint.read(_CHUNK)
            if not chunk:
                break
            digest.update(chunk)
        length = checkpoint.tell() - start
        checkpoint.seek(start)
        return _Body(checkpoint, length, digest.hexdigest())
    # Not seekable (a pipe, a socket): spool it so that it can be hashed and then streamed.
    spool = tempfile.SpooledTemporaryFile(max_size=64 << 20)
    length = 0
    while True:
        chunk = checkpoint.read(_CHUNK)
        if not chunk:
            break
        digest.update(chunk)
        spool.write(chunk)
        length += len(chunk)
    spool.seek(0)
    return _Body(spool, length, digest.hexdigest(), owned=spool)


class Client:
    """A client of one ``trainchain serve`` server.

    ``url`` is the server's base address (``http://127.0.0.1:8080``), ``token`` the bearer token
    of the workspace (``serve.json``). ``timeout`` bounds each connect and each read (seconds;
    posting an epoch waits for mining and consensus, so keep it generous). ``retries`` is how many
    times a GET is repeated after a connection error, with a pause that starts at ``backoff``
    seconds and doubles.
    """

    def __init__(self, url, token, timeout=120.0, retries=3, backoff=0.25):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("url must be http://HOST[:PORT][/prefix], not %r" % url)
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._scheme = parts.scheme
        self._host = parts.hostname
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")

    @classmethod
    def from_workspace(cls, url, workspace_dir, **kwargs):
        """Make a client with the token found in ``workspace_dir/serve.json``."""
        with open(os.path.join(workspace_dir, "serve.json"), encoding="utf-8") as f:
            token = json.load(f)["token"]
        return cls(url, token, **kwargs)

    def __repr__(self):
        return "trainchain.Client(%r)" % self.url

    # ---- transport -------------------------------------------------------------------------

    def _connection(self):
        if self._scheme == "https":
            return http.client.HTTPSConnection(self._host, self._port, timeout=self.timeout,
                                               blocksize=_CHUNK)
        return http.client.HTTPConnection(self._host, self._port, timeout=self.timeout,
                                          blocksize=_CHUNK)

    def _path(self, path, query=None):
        full = self._prefix + path
        if query:
            full += "?" + urllib.parse.urlencode(query, safe="")
        return full

    def _open(self, method, path, query=None, body=None, headers=None):
        """Send one request; return ``(connection, response)``. Raises ``TransportError``."""
        full = self._path(path, query)
        hdrs = {"Authorization": "Bearer " + self.token, "Accept": "application/json"}
        if headers:
            hdrs.update(headers)
        conn = self._connection()
        try:
            conn.connect()
        except OSError as exc:
            conn.close()
            raise TransportError("%s %s: cannot connect to %s: %s" % (method, full, self.url, exc),
                                 method, full, sent=False, cause=exc) from exc
        try:
            conn.request(method, full, body=body, headers=hdrs)
            resp = conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise TransportError("%s %s: connection to %s failed: %s"
                                 % (method, full, self.url, exc),
                                 method, full, sent=True, cause=exc) from exc
        return conn, resp

    def _raise_for_status(self, method, path, resp, data):
        if resp.status < 400:
            return
        body = None
        message = data.decode("utf-8", "replace").strip() or resp.reason
        try:
            body = json.loads(data.decode("utf-8"))
            if isinstance(body, dict) and "error" in body:
                message = str(body["error"])
        except ValueError:
            pass
        raise ApiError(resp.status, message, body, method, self._path(path))

    def _request(self, method, path, query=None, body=None, headers=None):
        """Send a request and read the whole answer; return ``(response, bytes)``.

        GETs are retried after connection errors; nothing else is.
        """
        attempt = 0
        while True:
            try:
                conn, resp = self._open(method, path, query, body, headers)
                try:
                    data = resp.read()
                except (OSError, http.client.HTTPException) as exc:
                    raise TransportError("%s %s: answer cut short: %s" % (method, path, exc),
                                         method, path, sent=True, cause=exc) from exc
                finally:
                    conn.close()
            except TransportError as exc:
                retryable = not exc.sent or _is_retryable(exc.cause)
                if method != "GET" or attempt >= self.retries or not retryable:
                    raise
                time.sleep(self.backoff * (2 ** attempt))
                attempt += 1
                continue
            self._raise_for_status(method, path, resp, data)
            return resp, data

    def _json(self, method, path, query=None, payload=None):
        body = None
        headers = None
        if payload is not None:
            body = json.dumps(payload).encode("utf-8")
            headers = {"Content-Type": "application/json"}
        _, data = self._request(method, path, query, body, headers)
        return json.loads(data.decode("utf-8"))

    @staticmethod
    def _run_path(run, *rest):
        parts = ["/api/runs", urllib.parse.quote(str(run), safe="")]
        parts.extend(str(p) for p in rest)
        return "/".join(parts)

    # ---- runs ------------------------------------------------------------------------------

    def runs(self):
        """List the workspace's runs: ``[{name, blocks, nodes, difficulty_bits, fork}, ...]``."""
        return self._json("GET", "/api/runs")["runs"]

    def create_run(self, name, nodes=None, difficulty_bits=None, fork=None, quorum_percent=None,
                   detection=None, auto_rollback=None, max_rollbacks=None):
        """Create a run (``POST /api/runs``); return the server's answer (name, state, settings...).

        Arguments left as None take the server's defaults (100 nodes, 16 difficulty bits,
        automatic rollback, at most 3 rollbacks). ``detection`` is a dict with any of
        ``non_finite_loss``, ``accuracy_drop``, ``max_accuracy_drop``, ``overtraining``,
        ``patience``. Raises ``ApiError`` 409 when the run exists.
        """
        payload = {"name": name}
        for key, value in (("nodes", nodes), ("difficulty_bits", difficulty_bits), ("fork", fork),
                           ("quorum_percent", quorum_percent), ("detection", detection),
                           ("auto_rollback", auto_rollback), ("max_rollbacks", max_rollbacks)):
            if value is not None:
                payload[key] = value
        return self._json("POST", "/api/runs", payload=payload)

    def ensure_run(self, name, **settings):
        """Create the run unless it exists; return ``(answer, created)``.

        ``answer`` is the creation answer, or the run's state when it already existed (its
        settings are then the stored ones, not ``settings``).
        """
        try:
            return self.create_run(name, **settings), True
        except ApiError as exc:
            if exc.status != 409:
                raise
        return self.state(name), False

    def state(self, run):
        """The run's current state: ``{blocks, state: {height, epoch, accuracy, checkpoint} | None,
        next_epoch, rollbacks, api, settings}``."""
        return self._json("GET", self._run_path(run, "state"))

    # ---- recording -------------------------------------------------------------------------

    def post_epoch(self, run, epoch, accuracy, loss, test_loss, checkpoint, sha256=None):
        """Record one epoch (``POST /api/runs/{run}/epochs``); return the server's answer.

        ``checkpoint`` is bytes, a binary file-like object (streamed with a Content-Length; read
        from its current position to its end) or an ``os.PathLike``. Its SHA-256 is sent in
        ``X-Checkpoint-SHA256`` so that the server rejects a damaged upload (400); pass
        ``sha256`` to give a digest computed elsewhere instead.

        ``loss`` and ``test_loss`` may be NaN or infinite. The answer holds the block (height,
        hash, nonce, votes...), ``detection`` (None or the reason), ``rollback`` (None or the
        voted rollback: target height, target_epoch, target_checkpoint...), ``state`` and
        ``next_epoch``. After a rollback, restore ``rollback["target_checkpoint"]`` and continue
        at ``next_epoch``.

        Raises ``ApiError`` (409 with ``expected_epoch`` on a wrong epoch number) and
        ``TransportError``. The POST is never repeated: after a ``TransportError`` with ``sent``
        true, use ``epoch_landed`` or ``state`` to learn whether the epoch was recorded.
        """
        body = _prepare_checkpoint(checkpoint)
        try:
            digest = sha256.lower() if sha256 else body.digest
            query = [("epoch", str(int(epoch))), ("accuracy", _format_number(accuracy)),
                     ("loss", _format_number(loss)), ("test_loss", _format_number(test_loss))]
            headers = {"Content-Type": "application/octet-stream",
                       "Content-Length": str(body.length),
                       "X-Checkpoint-SHA256": digest}
            _, data = self._request("POST", self._run_path(run, "epochs"), query, body.data,
                                    headers)
        finally:
            body.close()
        answer = json.loads(data.decode("utf-8"))
        if answer.get("checkpoint") not in (None, digest):
            raise ChecksumError("the server recorded checkpoint %s, the client sent %s"
                                % (answer.get("checkpoint"), digest), digest,
                                answer.get("checkpoint"))
        return answer

    def epoch_landed(self, run, epoch, sha256, since_height=0):
        """After a failed POST of an epoch, find the block that recorded it, or return None.

        Looks for an ``epoch`` block at ``since_height`` or above (pass the run's block count
        before posting) with this epoch number and checkpoint digest. A rollback voted right
        after it may have changed the state; read ``state(run)`` for ``next_epoch``.
        """
        found = None
        for block in self.history(run):
            if (block.get("kind") == "epoch" and block.get("height", -1) >= since_height
                    and block.get("epoch") == int(epoch)
                    and block.get("checkpoint") == sha256.lower()):
                found = block
        return found

    def rollback(self, run, to=None, reason=None):
        """Ask the nodes to vote a rollback (``POST /api/runs/{run}/rollback``).

        ``to`` is the target block's height; None lets the nodes choose the best earlier block.
        Returns the answer: the rollback block's ``height``, ``target``, ``target_epoch``,
        ``target_checkpoint``, ``proposals``, ``state`` and ``next_epoch``.
        """
        payload = {}
        if to is not None:
            payload["to"] = int(to)
        if reason is not None:
            payload["reason"] = str(reason)
        return self._json("POST", self._run_path(run, "rollback"), payload=payload)

    # ---- reading the chain -----------------------------------------------------------------

    def history(self, run):
        """Every block of the run, oldest first (as ``trainchain history --json``)."""
        return self._json("GET", self._run_path(run, "history"))

    def block(self, run, height):
        """One block's history entry plus ``vote_list`` and ``transactions``; a rollback block
        also has ``proposal_list`` (``node``, ``target``, ``signature``: the nodes' signed
        restore points) next to ``failing`` and ``proposals`` (their count)."""
        return self._json("GET", self._run_path(run, "blocks", int(height)))

    def checkpoint(self, run, height, expected_sha256=None, out=None):
        """Download a block's checkpoint and verify its SHA-256.

        The digest must match the server's ``X-Checkpoint-SHA256`` header and, when given,
        ``expected_sha256`` (for instance a rollback's ``target_checkpoint``); otherwise
        ``ChecksumError`` is raised. Without ``out``, returns the bytes. With ``out`` (a binary
        file-like object), streams the bytes into it and returns the hex digest; on a mismatch
        ``out`` holds unverified bytes and must be discarded.
        """
        path = self._run_path(run, "blocks", int(height), "checkpoint")
        if out is None:
            resp, data = self._request("GET", path, headers={"Accept": "application/octet-stream"})
            actual = sha256_hex(data)
            self._check_digest(resp, actual, expected_sha256, height)
            return data
        attempt = 0
        while True:
            try:
                conn, resp = self._open("GET", path,
                                        headers={"Accept": "application/octet-stream"})
                break
            except TransportError as exc:
                if attempt >= self.retries or (exc.sent and not _is_retryable(exc.cause)):
                    raise
                time.sleep(self.backoff * (2 ** attempt))
                attempt += 1
        try:
            if resp.status >= 400:
                self._raise_for_status("GET", path, resp, resp.read())
            digest = hashlib.sha256()
            try:
                while True:
                    chunk = resp.read(_CHUNK)
                    if not chunk:
                        break
                    digest.update(chunk)
                    out.write(chunk)
            except (OSError, http.client.HTTPException) as exc:
                raise TransportError("GET %s: answer cut short: %s" % (path, exc), "GET", path,
                                     sent=True, cause=exc) from exc
        finally:
            conn.close()
        actual = digest.hexdigest()
        self._check_digest(resp, actual, expected_sha256, height)
        return actual

    @staticmethod
    def _check_digest(resp, actual, expected, height):
        header = (resp.getheader("X-Checkpoint-SHA256") or "").strip().lower()
        if header and header != actual:
            raise ChecksumError("checkpoint of block %s hashes to %s, the server says %s"
                                % (height, actual, header), header, actual)
        if expected is not None and expected.lower() != actual:
            raise ChecksumError("checkpoint of block %s hashes to %s, expected %s"
                                % (height, actual, expected), expected.lower(), actual)

    def verify(self, run):
        """Verify the whole chain on the server: ``{ok, blocks, bad_height, reason}``."""
        return self._json("GET", self._run_path(run, "verify"))

    def nodes(self, run):
        """The run's user nodes: ``{nodes: [{index, public_key, contract, votes, wins, ...}]}``."""
        return self._json("GET", self._run_path(run, "nodes"))

    def gas(self, run, pow_samples=None):
        """The run's gas report (as ``trainchain report gas --chain --format json``)."""
        query = None if pow_samples is None else {"pow_samples": int(pow_samples)}
        return self._json("GET", self._run_path(run, "gas"), query)

    def recovery(self, run, keep=None):
        """The run's recovery-rate points (``?keep=K``: the keep-last-K baseline)."""
        query = None if keep is None else {"keep": int(keep)}
        return self._json("GET", self._run_path(run, "recovery"), query)

    def openapi(self):
        """The server's OpenAPI document (public, no token needed)."""
        return self._json("GET", "/openapi.json")
