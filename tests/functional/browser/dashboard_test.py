#!/usr/bin/python3
# tests/functional/browser/dashboard_test.py - the dashboard of `trainchain serve` in a real browser: starts the
# server on a fresh workspace, makes a run through the API (3 epochs, then a NaN epoch the server
# rolls back), opens the dashboard in headless Chromium through chromedriver's W3C WebDriver HTTP
# API (urllib only, no selenium), checks what it renders against the API, posts one more epoch and
# waits for the page to show it live, saves a screenshot and fails on any JS error.
#
#   /usr/bin/python3 tests/functional/browser/dashboard_test.py --trainchain build/dev/bin/trainchain --out DIR
#       [--web-root api/web]   (development: serve the files from disk, not the built-in ones)
#       [--chromium /usr/bin/chromium] [--chromedriver /usr/bin/chromedriver] [--keep-open SECONDS]
#
# Python 3 standard library only. Exit code 0 on success, 1 on a failed check, 2 on a setup error.
import argparse
import base64
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

RUN = "browser-run"
NODES = 10


class Failure(Exception):
    """A check that did not hold."""


class SetupError(Exception):
    """Something the test needs did not start."""


def log(msg):
    print(f"[{time.monotonic() - T0:6.2f}s] {msg}", flush=True)


T0 = time.monotonic()


def http(method, url, body=None, headers=None, timeout=30):
    """One HTTP request; returns (status, parsed JSON or raw bytes)."""
    data = None
    hdrs = dict(headers or {})
    if isinstance(body, (dict, list)):
        data = json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    elif body is not None:
        data = body
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    try:
        return status, json.loads(raw.decode()) if raw else None
    except (ValueError, UnicodeDecodeError):
        return status, raw


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(what, fn, timeout, interval=0.15):
    """Calls fn until it returns something truthy; raises Failure naming `what` after timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            v = fn()
            if v:
                return v
            last = v
        except Failure as e:
            last = str(e)
        if time.monotonic() > deadline:
            raise Failure(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")
        time.sleep(interval)


# ------------------------------------------------------------------------------------------------
# The server


class Server:
    def __init__(self, binary, workspace, web_root=None):
        cmd = [binary, "serve", workspace, "--port", "0"]
        if web_root:
            cmd += ["--web-root", web_root]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines = []
        first = []
        got = threading.Event()

        def reader():
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))
                if not got.is_set():
                    first.append(line)
                    got.set()
            got.set()

        threading.Thread(target=reader, daemon=True).start()
        if not got.wait(15) or not first:
            raise SetupError(f"trainchain serve printed nothing (exit {self.proc.poll()}): {self.lines}")
        m = re.search(r"listening on (http://127\.0\.0\.1:(\d+))", first[0])
        if not m:
            raise SetupError(f"unexpected first line from trainchain serve: {first[0]!r}")
        self.base = m.group(1)
        with open(os.path.join(workspace, "serve.json")) as f:
            self.token = json.load(f)["token"]

    def api(self, method, path, body=None, headers=None, expect=(200, 201)):
        h = {"Authorization": "Bearer " + self.token}
        h.update(headers or {})
        status, j = http(method, self.base + path, body, h)
        if status not in expect:
            raise SetupError(f"{method} {path}: HTTP {status}: {j!r}")
        return j

    def post_epoch(self, epoch, accuracy, loss, test_loss):
        ck = random.randbytes(4096) if hasattr(random, "randbytes") else os.urandom(4096)
        q = f"epoch={epoch}&accuracy={accuracy}&loss={loss}&test_loss={test_loss}"
        return self.api("POST", f"/api/runs/{RUN}/epochs?{q}", ck, {"Content-Type": "application/octet-stream"})

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode


# ------------------------------------------------------------------------------------------------
# WebDriver (W3C) over HTTP

ERROR_HOOK = r"""
window.__tcErrors = [];
window.addEventListener('error', function (e) {
  window.__tcErrors.push('error: ' + (e.message || (e.target && (e.target.src || e.target.href)) || 'resource') +
                         (e.filename ? ' at ' + e.filename + ':' + e.lineno : ''));
}, true);
window.addEventListener('unhandledrejection', function (e) {
  window.__tcErrors.push('unhandled rejection: ' + (e.reason && (e.reason.stack || e.reason.message) || e.reason));
});
(function () {
  var orig = console.error;
  console.error = function () {
    try { window.__tcErrors.push('console.error: ' + Array.prototype.map.call(arguments, String).join(' ')); } catch (_) {}
    return orig.apply(console, arguments);
  };
})();
"""


class Browser:
    def __init__(self, chromedriver, chromium, profile_dir, log_path):
        self.port = free_port()
        self.log_file = open(log_path, "w")
        self.proc = subprocess.Popen([chromedriver, f"--port={self.port}"], stdout=self.log_file,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        self.session = None

        def ready():
            if self.proc.poll() is not None:
                raise SetupError(f"chromedriver exited with {self.proc.returncode} (see {log_path})")
            try:
                s, j = http("GET", self.base + "/status", timeout=2)
                return s == 200 and j["value"]["ready"]
            except (OSError, ValueError, KeyError, TypeError):
                return False

        try:
            wait_until("chromedriver to listen", ready, 15)
        except Failure as e:
            raise SetupError(str(e))
        caps = {
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": chromium,
                        "args": [
                            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--disable-quic", "--no-first-run", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile_dir,
                            "--window-size=1400,1800",
                        ],
                    },
                    "goog:loggingPrefs": {"browser": "ALL"},
                    "timeouts": {"script": 10000, "pageLoad": 20000},
                }
            }
        }
        status, j = http("POST", self.base + "/session", caps, timeout=60)
        if status != 200:
            raise SetupError(f"cannot start a Chromium session: HTTP {status}: {j!r}")
        self.session = j["value"]["sessionId"]

    def cmd(self, method, path, body=None, timeout=30):
        status, j = http(method, f"{self.base}/session/{self.session}{path}", body, timeout=timeout)
        if status != 200:
            err = j.get("value", j) if isinstance(j, dict) else j
            raise Failure(f"WebDriver {method} {path}: HTTP {status}: {err}")
        return j["value"]

    def cdp(self, cmd, params):
        return self.cmd("POST", "/goog/cdp/execute", {"cmd": cmd, "params": params})

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def element(self, css):
        v = self.cmd("POST", "/element", {"using": "css selector", "value": css})
        return next(iter(v.values()))  # the W3C element reference

    def browser_log(self):
        """The console entries Chromium kept, if this chromedriver offers them."""
        for method, path, body in (("POST", "/se/log", {"type": "browser"}), ("POST", "/log", {"type": "browser"})):
            try:
                return self.cmd(method, path, body)
            except Failure:
                continue
        return None

    def close(self):
        if self.session:
            try:
                http("DELETE", f"{self.base}/session/{self.session}", timeout=15)
            except OSError:
                pass
            self.session = None
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # chromedriver and what it started
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.log_file.close()


# ------------------------------------------------------------------------------------------------
# What the page shows, read in one script call

READ_PAGE = r"""
const q = (s) => document.querySelector(s);
const qa = (s) => Array.from(document.querySelectorAll(s));
const txt = (e) => (e ? e.textContent.trim() : null);
return {
  status: q('#status') && q('#status').dataset.state,
  statusText: txt(q('#status')),
  error: q('#error') && !q('#error').hidden ? txt(q('#error')) : null,
  tokenForm: q('#token-form') ? !q('#token-form').hidden : null,
  runs: qa('#runs [data-run]').map((e) => e.dataset.run),
  selected: qa('#runs [data-run].selected').map((e) => e.dataset.run),
  rows: qa('#blocks tbody tr[data-height]').map((r) => ({
    height: Number(r.dataset.height), kind: r.dataset.kind, hashFull: r.dataset.hash,
    hash: txt(r.querySelector('.hash')), nonce: txt(r.querySelector('.nonce')),
    votes: txt(r.querySelector('.votes')), gas: r.querySelector('.gas') && r.querySelector('.gas').dataset.gas,
    abandoned: r.classList.contains('abandoned') })),
  rollbackMarks: qa('svg#chart-accuracy .rollback').map((e) => Number(e.dataset.height)),
  lossRollbackMarks: qa('svg#chart-loss .rollback').length,
  accuracyPoints: qa('svg#chart-accuracy circle.pt').length,
  abandonedPoints: qa('svg#chart-accuracy circle.pt.abandoned').map((e) => Number(e.dataset.height)),
  nodes: qa('#nodes tbody tr[data-node]').map((r) => ({
    index: Number(r.dataset.node), votes: txt(r.querySelector('.votes')), wins: txt(r.querySelector('.wins')) })),
  verify: q('#verify') ? { ok: q('#verify').dataset.ok, text: txt(q('#verify')) } : null,
  recoveryLines: qa('svg#chart-recovery path.line').length,
  recoveryPoints: qa('svg#chart-recovery circle').length,
  gasEpoch: q('#gas-epoch-block') ? { value: q('#gas-epoch-block').dataset.value,
                                      shown: txt(q('#gas-epoch-block .stat-value')) } : null,
  compatMode: document.compatMode,
  errors: window.__tcErrors || null,
  marker: window.__tcMarker || null,
};
"""


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def check_page(page, runs, hist, nodes, gas):
    check(RUN in page["runs"], f"run {RUN} not in the run list {page['runs']}")
    check(len(page["runs"]) == len(runs["runs"]), f"{len(page['runs'])} runs listed, the API has {len(runs['runs'])}")
    check(page["selected"] == [RUN], f"selected run is {page['selected']}")
    rows = {r["height"]: r for r in page["rows"]}
    check(len(page["rows"]) == len(hist), f"{len(page['rows'])} block rows, the chain has {len(hist)} blocks")
    for b in hist:
        r = rows.get(b["height"])
        check(r is not None, f"no row for block {b['height']}")
        shown = r["hash"].rstrip("…").strip()
        check(len(shown) >= 8 and b["hash"].startswith(shown),
              f"block {b['height']}: hash shown {r['hash']!r}, history says {b['hash']}")
        check(r["hashFull"] == b["hash"], f"block {b['height']}: data-hash {r['hashFull']} != {b['hash']}")
        check(r["nonce"] == str(b["nonce"]), f"block {b['height']}: nonce {r['nonce']} != {b['nonce']}")
        check(r["votes"] == str(b["votes"]), f"block {b['height']}: votes {r['votes']} != {b['votes']}")
        check(r["kind"] == b["kind"], f"block {b['height']}: kind {r['kind']} != {b['kind']}")
        check(r["gas"] == str(b["gas"]), f"block {b['height']}: gas {r['gas']} != {b['gas']}")
    rollbacks = [b for b in hist if b["kind"] == "rollback"]
    check(rollbacks, "the NaN epoch made no rollback block")
    for b in rollbacks:
        check(b["height"] in page["rollbackMarks"],
              f"no rollback marker for block {b['height']} in svg#chart-accuracy (markers: {page['rollbackMarks']})")
        abandoned = [e["height"] for e in hist if e["kind"] == "epoch" and b["target"] < e["height"] < b["height"]]
        for h in abandoned:
            check(rows[h]["abandoned"], f"block {h} (rolled back) is not marked abandoned in the table")
    epochs = [b for b in hist if b["kind"] == "epoch" and b["accuracy"] is not None]
    check(page["accuracyPoints"] == len(epochs), f"{page['accuracyPoints']} accuracy points, {len(epochs)} epochs")
    check(len(page["nodes"]) == NODES, f"{len(page['nodes'])} node rows, expected {NODES}")
    by_index = {n["index"]: n for n in page["nodes"]}
    for n in nodes["nodes"]:
        r = by_index.get(n["index"])
        check(r is not None, f"no row for node {n['index']}")
        check(r["votes"] == str(n["votes"]), f"node {n['index']}: votes {r['votes']} != {n['votes']}")
        check(r["wins"] == str(n["wins"]), f"node {n['index']}: wins {r['wins']} != {n['wins']}")
    check(page["verify"] and page["verify"]["ok"] == "true" and "OK" in page["verify"]["text"],
          f"verify shows {page['verify']}")
    check(page["recoveryLines"] >= 2, f"recovery chart has {page['recoveryLines']} lines, expected 2")
    want = gas["measured"]["costs"]["per_epoch_block"]["gas"]
    g = page["gasEpoch"]
    check(g is not None, "no #gas-epoch-block")
    shown = float(g["shown"].replace(",", "")) if re.fullmatch(r"[\d,]+(\.\d+)?", g["shown"] or "") else None
    # The card shows the mean rounded to whole gas (Intl.NumberFormat rounds half away from zero);
    # its value attribute holds the exact mean (epoch blocks differ once the first set the slots
    # the later ones reuse).
    check(shown == math.floor(want + 0.5) and float(g["value"]) == want,
          f"gas per epoch block shown {g}, /gas says measured.costs.per_epoch_block.gas = {want}")
    check(page["compatMode"] == "CSS1Compat", f"the page renders in quirks mode ({page['compatMode']})")
    check(page["status"] == "live", f"status is {page['status']!r} ({page['statusText']})")
    check(not page["error"], f"the page shows an error: {page['error']}")


# ------------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--trainchain", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--web-root", help="serve the dashboard from this directory (development)")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    ap.add_argument("--keep-open", type=float, default=0, help="seconds to leave the server up at the end")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for p in (a.trainchain, a.chromium, a.chromedriver):
        if not os.access(p, os.X_OK):
            print(f"dashboard_test: setup error: {p} is not an executable", file=sys.stderr)
            return 2

    tmp = tempfile.mkdtemp(prefix="trainchain-browser-")
    server = browser = None
    code = 1
    try:
        server = Server(a.trainchain, os.path.join(tmp, "ws"), a.web_root)
        log(f"server at {server.base}" + (f" (web root {a.web_root})" if a.web_root else " (built-in dashboard)"))
        server.api("POST", "/api/runs", {"name": RUN, "nodes": NODES, "difficulty_bits": 8})
        for e, (acc, loss) in enumerate([(0.52, 1.31), (0.67, 0.92), (0.74, 0.71)], start=1):
            r = server.post_epoch(e, acc, loss, loss + 0.05)
            check(r["detection"] is None, f"epoch {e}: unexpected detection {r['detection']}")
        r = server.post_epoch(4, 0.11, "nan", "nan")
        check(r["rollback"] is not None, f"the NaN epoch was not rolled back: {r}")
        log(f"run made: NaN epoch at block {r['height']}, rollback block {r['rollback']['height']} "
            f"to block {r['rollback']['target']}")

        browser = Browser(a.chromedriver, a.chromium, os.path.join(tmp, "profile"),
                          os.path.join(a.out, "chromedriver.log"))
        log("Chromium session started")
        try:
            browser.cdp("Page.addScriptToEvaluateOnNewDocument", {"source": ERROR_HOOK})
            hooked = True
        except Failure as e:
            log(f"note: cannot hook page errors through CDP ({e}); relying on the browser log")
            hooked = False
        browser.cmd("POST", "/url", {"url": f"{server.base}/#token={server.token}"})

        hist = server.api("GET", f"/api/runs/{RUN}/history")

        def page_with_all_blocks():
            p = browser.js(READ_PAGE)
            ok = (len(p["rows"]) == len(hist) and p["gasEpoch"] is not None and p["verify"]
                  and p["verify"]["ok"] in ("true", "false") and p["recoveryLines"] >= 2)
            return p if ok else None

        page = wait_until(f"the block table to show {len(hist)} blocks", page_with_all_blocks, 30)
        log(f"dashboard shows {len(page['rows'])} blocks")
        runs = server.api("GET", "/api/runs")
        nodes = server.api("GET", f"/api/runs/{RUN}/nodes")
        gas = server.api("GET", f"/api/runs/{RUN}/gas")
        check_page(page, runs, hist, nodes, gas)
        check("#token=" not in browser.js("return location.href;"), "the token stays in the address bar")
        log("rendered content matches the API")

        # Live update: one more epoch while the page is open, no reload.
        browser.js("window.__tcMarker = 'no-reload';")
        state = server.api("GET", f"/api/runs/{RUN}/state")
        r = server.post_epoch(state["next_epoch"], 0.79, 0.62, 0.66)
        new_h = r["height"]
        t_post = time.monotonic()

        def new_row():
            p = browser.js(READ_PAGE)
            return p if any(row["height"] == new_h for row in p["rows"]) else None

        page = wait_until(f"block {new_h} to appear live", new_row, 15)
        check(page["marker"] == "no-reload", "the page reloaded instead of updating live")
        hist = server.api("GET", f"/api/runs/{RUN}/history")
        row = next(x for x in page["rows"] if x["height"] == new_h)
        b = hist[new_h]
        check(row["nonce"] == str(b["nonce"]) and row["votes"] == str(b["votes"]) and b["hash"].startswith(row["hash"].rstrip("…")),
              f"live row {row} does not match block {b}")
        check(len(page["rows"]) == len(hist), f"{len(page['rows'])} rows after the live update, {len(hist)} blocks")
        log(f"block {new_h} appeared live after {time.monotonic() - t_post:.1f} s")

        shot = browser.cmd("GET", "/screenshot")
        with open(os.path.join(a.out, "dashboard.png"), "wb") as f:
            f.write(base64.b64decode(shot))
        log(f"screenshot: {os.path.join(a.out, 'dashboard.png')}")
        try:  # the whole page too, when chromedriver passes CDP commands on
            full = browser.cdp("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
            with open(os.path.join(a.out, "dashboard-full.png"), "wb") as f:
                f.write(base64.b64decode(full["data"]))
        except (Failure, KeyError, TypeError, ValueError):
            pass

        errors = list(page["errors"] or []) if hooked else []
        entries = browser.browser_log()
        if entries is not None:
            with open(os.path.join(a.out, "console.json"), "w") as f:
                json.dump(entries, f, indent=2)
            errors += [f"console {e.get('level')}: {e.get('message')}" for e in entries if e.get("level") == "SEVERE"]
        if not hooked and entries is None:
            log("note: no way to read the page's console on this chromedriver")
        check(not errors, "the page logged errors:\n  " + "\n  ".join(errors))
        log("no JS errors")

        # A wrong token: the page asks for one; the right one typed into the form makes it live.
        browser.cmd("POST", "/url", {"url": "about:blank"})
        browser.cmd("POST", "/url", {"url": f"{server.base}/#token=wrong-{'0' * 58}"})
        wait_until("the token form after a 401", lambda: browser.js(
            "return document.querySelector('#status').dataset.state === 'auth' && "
            "!document.querySelector('#token-form').hidden;"), 10)
        field = browser.element("#token-input")
        browser.cmd("POST", f"/element/{field}/value", {"text": server.token})
        browser.cmd("POST", f"/element/{browser.element('#token-form button[type=submit]')}/click", {})
        wait_until("the dashboard after the token was typed in", lambda: browser.js(
            "return document.querySelector('#status').dataset.state === 'live' && "
            "document.querySelector('#token-form').hidden && "
            "document.querySelectorAll('#blocks tbody tr[data-height]').length;") == len(hist), 10)
        log("a wrong token shows the token form; the right one typed in works")

        # The server goes away: the page says so and keeps trying.
        rc = server.stop()
        check(rc == 0, f"trainchain serve exited with {rc} on SIGTERM")
        wait_until("the status to show the server down", lambda: browser.js(
            "const s = document.querySelector('#status');"
            "return s.dataset.state === 'down' && /disconnected/.test(s.textContent);"), 10)
        log("server stopped: the page shows 'disconnected, retrying'")
        if a.keep_open:
            log(f"leaving the server up for {a.keep_open:.0f} s at {server.base}/#token={server.token}")
            time.sleep(a.keep_open)
        code = 0
        log("PASS")
    except Failure as e:
        print(f"dashboard_test: FAIL: {e}", file=sys.stderr)
        code = 1
    except SetupError as e:
        print(f"dashboard_test: setup error: {e}", file=sys.stderr)
        code = 2
    except Exception as e:  # noqa: BLE001 - any other error is a failure with its trace
        import traceback
        traceback.print_exc()
        print(f"dashboard_test: FAIL: {type(e).__name__}: {e}", file=sys.stderr)
        code = 1
    finally:
        if browser is not None and code != 0 and browser.session:
            try:  # a screenshot of the failure, when there is a page to take it from
                shot = browser.cmd("GET", "/screenshot")
                with open(os.path.join(a.out, "dashboard-failure.png"), "wb") as f:
                    f.write(base64.b64decode(shot))
                print(f"dashboard_test: screenshot of the failure in {a.out}/dashboard-failure.png", file=sys.stderr)
            except (Failure, OSError, ValueError):
                pass
        if browser is not None:
            browser.close()
        if server is not None:
            rc = server.stop()
            if rc not in (0, None) and code == 0:
                print(f"dashboard_test: FAIL: trainchain serve exited with {rc} on SIGTERM", file=sys.stderr)
                code = 1
            if code != 0 and server.lines:
                print("trainchain serve output:\n  " + "\n  ".join(server.lines[-20:]), file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
    log(f"done in {time.monotonic() - T0:.1f} s, exit {code}")
    return code


if __name__ == "__main__":
    sys.exit(main())
