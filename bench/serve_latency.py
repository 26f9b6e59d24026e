#!/usr/bin/env python3
"""`archbook serve`'s edit-to-reload latency, for `make bench` (bench/README.md, "Incremental rebuild and serve").

    python3 bench/serve_latency.py --archbook BIN --docs DIR --file DOC [--edits 5] [--warmup 1]
                                   [--timeout 120] [--start-timeout 900] [--pause 0.3] [--label L]
                                   [--meta KEY=VALUE ...] [--save-stderr PATH]

Starts `BIN serve DIR --port 0 --host 127.0.0.1 --quiet` (the system picks a free port; the URL is read from
serve's standard error), waits until it has built the site and answers `GET /`, and connects to its event
stream `/__archbook/events` (server-sent events, read with http.client) as a page does; it waits for `hello`.
Then, --warmup + --edits times: edits DOC once (bench/edit_doc.py toggle: one word of a paragraph alternates
between two values, written in place), takes the time right after the write, and waits for the next event:
`reload` (a rebuild succeeded) ends the measurement of that edit, `status` (a rebuild failed) or the stream
closing fails the whole measurement. The latency includes serve's debounce (a rebuild starts once no file
event has come for 100 ms), the rebuild and swap, and the event's way to the client. Between edits it waits
--pause seconds, so each edit finds serve idle.

Also recorded: serve's CPU time per edit (user + sys from /proc/PID/stat, before the edit to --pause after
the reload; clock-tick resolution, 10 ms), its peak RSS over the whole session (VmHWM in /proc/PID/status,
read just before stopping it, so the first full build is included), its own `built N pages in X s` figures
for the rebuilds, and the time from start to serving (the first full build). serve is stopped with SIGINT
(SIGKILL if it has not exited 15 s later) whatever happens, also when this script fails or is interrupted
(Ctrl-C, SIGTERM, SIGHUP; if this script is killed outright, serve gets SIGTERM from the kernel).

Output (stdout, one line; shaped like bench/timeit.py's so bench/report.py shows it as a row):
  {"label": ..., "ok": true, "exit": 0, "runs": N, "wall_s": [latencies], "wall_median_s": ...,
   "cpu_s": [...], "cpu_median_s": ..., "peak_rss_bytes": ..., "rebuild_s": [...], "startup_s": ..., ...}
or {"ok": false, "exit": N (serve's exit code, -1 when it was still running), "error": ..., "stderr_head": ...}.
Exits 0 in both cases (the JSON says what happened), 2 on usage errors.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import edit_doc  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class Failed(Exception):
    pass


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived: stop serve, print what we have, exit."""


def on_signal(signum, frame):
    raise Stopped(signum)


def die_with_parent():
    """In the child before exec: SIGTERM when this script dies, even by SIGKILL (Linux prctl PR_SET_PDEATHSIG)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)
    except Exception:  # noqa: BLE001 -- not Linux: the try/finally below still stops serve
        pass


def proc_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a running process, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14, 15)
    except (OSError, IndexError, ValueError):
        return None


def proc_hwm(pid: int) -> int | None:
    """Peak resident set (VmHWM) of a running process in bytes, or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


class Serve:
    """`archbook serve` in the background, its standard error collected by a thread."""

    def __init__(self, argv: list[str]):
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True, errors="replace",
                                        preexec_fn=die_with_parent)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stderr:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def wait_line(self, pattern: str, timeout: float) -> re.Match:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for line in self.lines:
                    m = re.search(pattern, line)
                    if m:
                        return m
                if self.process.poll() is not None:
                    raise Failed(f"archbook serve exited with code {self.process.returncode} before it was serving")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Failed(f"archbook serve was not serving after {timeout:g} s")
                self.changed.wait(min(left, 0.2))

    def built(self) -> list[float]:
        """serve's own timings, `archbook: built N pages in X s`, in order (the first build included)."""
        with self.changed:
            return [float(m.group(1)) for line in self.lines
                    for m in [re.search(r"archbook: built \d+ pages in ([0-9.]+) s", line)] if m]

    def stop(self) -> int | None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


class Events:
    """The server-sent event stream, one (time, event, data) per message on a queue; (time, None, reason) at
    the end of the stream."""

    def __init__(self, host: str, port: int):
        self.queue: queue.Queue = queue.Queue()
        # No socket timeout: the stream is quiet between rebuilds (a keep-alive comment every 15 s); the
        # reader thread blocks, and the waits on the queue have the timeouts.
        self.conn = http.client.HTTPConnection(host, port)
        self.conn.request("GET", "/__archbook/events", headers={"Accept": "text/event-stream"})
        self.response = self.conn.getresponse()
        if self.response.status != 200:
            raise Failed(f"GET /__archbook/events answered {self.response.status}")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        event, data = "message", []
        try:
            while True:
                raw = self.response.readline()
                if not raw:
                    self.queue.put((time.perf_counter(), None, "the event stream ended"))
                    return
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                if not line:
                    if data:
                        self.queue.put((time.perf_counter(), event, "\n".join(data)))
                    event, data = "message", []
                elif line.startswith(":"):
                    continue  # a comment: serve's keep-alive
                else:
                    name, _, value = line.partition(":")
                    value = value[1:] if value.startswith(" ") else value
                    if name == "event":
                        event = value
                    elif name == "data":
                        data.append(value)
        except Exception as error:  # noqa: BLE001 -- reported through the queue
            self.queue.put((time.perf_counter(), None, f"the event stream failed: {error}"))

    def next(self, timeout: float) -> tuple[float, str | None, str]:
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            raise Failed(f"no event within {timeout:g} s") from None

    def drain(self) -> list[tuple[float, str | None, str]]:
        got = []
        while True:
            try:
                got.append(self.queue.get_nowait())
            except queue.Empty:
                return got

    def close(self):
        try:
            self.conn.close()
        except OSError:
            pass


def http_ok(host: str, port: int, timeout: float) -> bool:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        response.read()
        return response.status == 200
    except OSError:
        return False
    finally:
        conn.close()


def measure(args, result: dict, serve_box: list) -> None:
    argv = [args.archbook, "serve", args.docs, "--port", "0", "--host", "127.0.0.1", "--quiet"]
    result["cmd"] = argv
    started = time.perf_counter()
    serve = Serve(argv)
    serve_box.append(serve)
    m = serve.wait_line(r"archbook: serving (http://127\.0\.0\.1:(\d+)/)", args.start_timeout)
    serve.wait_line(r"watching for changes with (.+)$", 10)
    result["startup_s"] = round(time.perf_counter() - started, 4)
    result["watcher"] = serve.wait_line(r"watching for changes with (.+)$", 1).group(1).strip()
    port = int(m.group(2))
    result["url"] = m.group(1)
    if not http_ok("127.0.0.1", port, 30):
        raise Failed(f"GET {m.group(1)} did not answer 200")
    events = Events("127.0.0.1", port)
    try:
        _, name, data = events.next(30)
        if name != "hello":
            raise Failed(f"the event stream began with {name or data!r}, not hello")
        time.sleep(args.pause)
        stray = [e for e in events.drain() if e[1] != "hello"]
        if stray:
            result["stray_events_before_edits"] = len(stray)
        latencies, cpus, site = [], [], json.loads(data).get("site", 0)
        for i in range(args.warmup + args.edits):
            for _, name, data in events.drain():
                if name is None:
                    raise Failed(data)
                result["stray_events"] = result.get("stray_events", 0) + 1
            cpu0 = proc_cpu(serve.process.pid)
            edit_doc.toggle(args.file)
            t0 = time.perf_counter()
            when, name, data = events.next(args.timeout)
            if name is None:
                raise Failed(f"after edit {i + 1}: {data}")
            if name == "status":
                raise Failed(f"after edit {i + 1}: the rebuild failed: {data}")
            if name != "reload":
                raise Failed(f"after edit {i + 1}: unexpected event {name!r}: {data}")
            now = json.loads(data).get("site", 0)
            if now <= site:
                raise Failed(f"after edit {i + 1}: reload for site {now}, already had {site}")
            site = now
            time.sleep(args.pause)
            cpu1 = proc_cpu(serve.process.pid)
            if i >= args.warmup:
                latencies.append(when - t0)
                if cpu0 is not None and cpu1 is not None:
                    cpus.append(cpu1 - cpu0)
        result["peak_rss_bytes"] = proc_hwm(serve.process.pid)
    finally:
        events.close()
    builds = serve.built()
    result.update(
        ok=True,
        exit=0,
        exit_codes=[0],
        runs=len(latencies),
        warmup=args.warmup,
        wall_s=[round(x, 4) for x in latencies],
        wall_median_s=statistics.median(latencies),
        cpu_s=[round(x, 3) for x in cpus],
        cpu_median_s=statistics.median(cpus) if cpus else None,
        first_build_s=builds[0] if builds else None,
        rebuild_s=builds[1 + args.warmup:],
    )
    if len(builds) != 1 + args.warmup + args.edits:
        result["rebuilds_seen"] = len(builds) - 1  # more than one rebuild for an edit, or a line missed


def main() -> int:
    ap = argparse.ArgumentParser(description="archbook serve: edit-to-reload latency")
    ap.add_argument("--archbook", required=True)
    ap.add_argument("--docs", required=True, help="the docs tree to serve (a private copy: it is edited)")
    ap.add_argument("--file", required=True, help="the document to edit (bench/edit_doc.py pick DOCS)")
    ap.add_argument("--edits", type=int, default=int(os.environ.get("BENCH_RUNS", 5)))
    ap.add_argument("--warmup", type=int, default=int(os.environ.get("BENCH_WARMUP", 1)))
    ap.add_argument("--timeout", type=float, default=120, help="seconds to wait for each reload")
    ap.add_argument("--start-timeout", type=float, default=900, help="seconds to wait for the first build")
    ap.add_argument("--pause", type=float, default=0.3, help="seconds between a reload and the next edit")
    ap.add_argument("--label", default="")
    ap.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--save-stderr", metavar="PATH", help="write serve's standard error here when it fails")
    args = ap.parse_args()
    if args.edits < 1 or args.warmup < 0:
        ap.error("--edits must be >= 1 and --warmup >= 0")

    result: dict = {"label": args.label}
    for kv in args.meta:
        key, _, value = kv.partition("=")
        result[key] = int(value) if value.lstrip("-").isdigit() else value
    result["ok"] = False
    serve_box: list[Serve] = []
    stopped = None
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    try:
        if not os.path.isfile(args.archbook):
            result.update(exit=127, error="not found")
        elif not os.access(args.archbook, os.X_OK):
            result.update(exit=126, error="not executable")
        else:
            measure(args, result, serve_box)
    except Failed as error:
        result.update(ok=False, error=str(error))
    except (OSError, ValueError, http.client.HTTPException, SystemExit) as error:
        result.update(ok=False, error=f"{type(error).__name__}: {error}")
    except KeyboardInterrupt:
        result.update(ok=False, error="interrupted")
        stopped = signal.SIGINT
    except Stopped as stop:
        stopped = stop.args[0]
        result.update(ok=False, error=f"stopped by signal {stopped}")
    finally:
        if not result.get("ok"):
            result.setdefault("exit", -1)
        if serve_box:
            serve = serve_box[0]
            running = serve.process.poll() is None
            code = serve.stop()
            if not result.get("ok"):
                result["exit"] = -1 if running else code
                text = "".join(serve.lines)
                result["stderr_head"] = text[:2000]
                if args.save_stderr:
                    with open(args.save_stderr, "w") as f:
                        f.write(text)
            elif code != 0:
                result["stop"] = f"serve exited {code} after SIGINT"
        print(json.dumps(result))
    return 128 + stopped if stopped else 0


if __name__ == "__main__":
    sys.exit(main())
