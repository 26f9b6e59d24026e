#!/usr/bin/env python3
"""Run a command K times and report median wall time, CPU time and peak RSS as one JSON object.

    python3 bench/timeit.py [--runs K] [--warmup W] [--ok-codes 0,1] [--label L] [--meta K=V ...]
                            [--clean PATH ...] [--before SHELL_CMD ...] -- CMD [ARG ...]

Each run is a fresh child process with stdout sent to /dev/null (stderr is kept in a temporary file;
when a run fails its beginning goes into the JSON and all of it into --save-stderr).  Wall time is measured around fork..wait; CPU time is the
child's user+sys and peak RSS its ru_maxrss, both from wait4 (os.wait4, or -- with --launcher
bench/out/spawn_rusage -- the launcher's wait4, which avoids a ~15 MB RSS floor; see spawn_rusage.c).  Warm-up runs (default 1) are
executed first and not counted; they also fill the page cache so every tool reads from memory.
--clean PATH (repeatable) removes PATH before every run, warm-up included, outside the timed part: for
tools such as Hugo that would otherwise write over their previous output instead of building from scratch.
--before CMD (repeatable) runs the shell command CMD (`sh -c CMD`, output discarded) before every run,
warm-up included, after --clean, outside the timed part: e.g. to edit a document before each incremental
rebuild.  A --before command that exits non-zero stops the measurement like a failing run:
  {"ok": false, "exit": -1, "error": "--before command failed (exit N): CMD", "stderr_head": ...}

Output (stdout, one line):
  {"label": ..., "ok": true, "exit": 0, "runs": K, "wall_s": [...], "wall_median_s": ...,
   "cpu_median_s": ..., "peak_rss_bytes": ...}
A run whose exit code is not in --ok-codes (default 0) stops the measurement:
  {"label": ..., "ok": false, "exit": N, "error": "exit N" | "killed by signal S" | "not found",
   "stderr_head": ...}
timeit.py itself exits 0 in both cases (the JSON says what happened) and 2 on usage errors.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def run_once(cmd: list[str], errfile, launcher: str | None, resfile: str) -> tuple[float, float, int, int]:
    """Returns (wall seconds, cpu seconds, max rss bytes, exit code (negative = signal))."""
    errfile.seek(0)
    errfile.truncate()
    argv = [launcher, resfile] + cmd if launcher else cmd
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errfile)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
    if not launcher:
        cpu = ru.ru_utime + ru.ru_stime
        rss = ru.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # Linux reports KiB
        return wall, cpu, rss, proc.returncode
    if proc.returncode != 0:
        raise RuntimeError(f"launcher {launcher} failed (exit {proc.returncode})")
    with open(resfile) as f:
        st, utime_us, stime_us, maxrss_kib = (int(x) for x in f.read().split())
    return wall, (utime_us + stime_us) / 1e6, maxrss_kib * 1024, os.waitstatus_to_exitcode(st)


def main() -> int:
    ap = argparse.ArgumentParser(description="Time a command (median of K runs).")
    ap.add_argument("--runs", "-k", type=int, default=int(os.environ.get("BENCH_RUNS", 5)))
    ap.add_argument("--warmup", type=int, default=int(os.environ.get("BENCH_WARMUP", 1)))
    ap.add_argument("--ok-codes", default="0", help="comma-separated exit codes that count as success")
    ap.add_argument("--label", default="")
    ap.add_argument("--save-stderr", metavar="PATH", help="write a failing run's full stderr here")
    ap.add_argument("--launcher", default=os.environ.get("BENCH_LAUNCHER") or None,
                    help="spawn_rusage binary (see bench/spawn_rusage.c); without it peak RSS has a "
                         "floor of this Python process's own RSS")
    ap.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE",
                    help="extra field copied into the JSON (repeatable; integers stay integers)")
    ap.add_argument("--clean", action="append", default=[], metavar="PATH",
                    help="remove this file or folder before every run (not timed; repeatable)")
    ap.add_argument("--before", action="append", default=[], metavar="SHELL_CMD",
                    help="shell command run before every run, warm-up included (not timed; repeatable)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    if not cmd or args.runs < 1 or args.warmup < 0:
        ap.error("need a command after --, and --runs >= 1")
    ok_codes = {int(c) for c in args.ok_codes.split(",") if c.strip()}

    result: dict = {"label": args.label}
    for kv in args.meta:
        key, _, value = kv.partition("=")
        result[key] = int(value) if value.lstrip("-").isdigit() else value
    result.update(cmd=cmd, ok=True)
    if args.clean:
        result["clean"] = args.clean
    if args.before:
        result["before"] = args.before
    walls, cpus, rsses, codes = [], [], [], set()
    if args.launcher and not os.access(args.launcher, os.X_OK):
        ap.error(f"launcher {args.launcher} is not executable")
    with tempfile.TemporaryFile() as errfile, tempfile.TemporaryDirectory() as tmp:
        resfile = os.path.join(tmp, "rusage")
        for i in range(args.warmup + args.runs):
            for path in args.clean:
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path)
                elif os.path.lexists(path):
                    os.remove(path)
            failed = None
            for before in args.before:
                proc = subprocess.run(["sh", "-c", before], stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                if proc.returncode != 0:
                    failed = (before, proc)
                    break
            if failed:
                before, proc = failed
                err = proc.stderr or b""
                if args.save_stderr:
                    with open(args.save_stderr, "wb") as f:
                        f.write(err)
                result.update(ok=False, exit=-1, error=f"--before command failed (exit {proc.returncode}): {before}",
                              stderr_head=err[:2000].decode("utf-8", "replace"))
                break
            try:
                wall, cpu, rss, code = run_once(cmd, errfile, args.launcher, resfile)
                if args.launcher and code in (126, 127) and code not in ok_codes:
                    errfile.seek(0)
                    if errfile.read().startswith(b"spawn_rusage: "):
                        raise FileNotFoundError if code == 127 else PermissionError
            except FileNotFoundError:
                result.update(ok=False, exit=127, error="not found")
                break
            except PermissionError:
                result.update(ok=False, exit=126, error="not executable")
                break
            if code not in ok_codes:
                errfile.seek(0)
                err = errfile.read()
                if args.save_stderr:
                    with open(args.save_stderr, "wb") as f:
                        f.write(err)
                result.update(ok=False, exit=code,
                              error=f"killed by signal {-code}" if code < 0 else f"exit {code}",
                              stderr_head=err[:2000].decode("utf-8", "replace"))
                break
            codes.add(code)
            if i >= args.warmup:
                walls.append(wall)
                cpus.append(cpu)
                rsses.append(rss)
    if result["ok"]:
        result.update(
            exit=max(codes) if codes else 0,
            exit_codes=sorted(codes),
            runs=len(walls),
            wall_s=[round(w, 4) for w in walls],
            wall_median_s=statistics.median(walls),
            cpu_median_s=statistics.median(cpus),
            peak_rss_bytes=max(rsses),
        )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
