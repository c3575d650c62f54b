"""Load: `minsearch serve` under 1 to 64 concurrent connections, with and without a concurrent re-index.

``python -m benchmarks.load [--index DIR] [--levels 1,4,16,32,64] [--requests 300] [--seconds 60]
[--threads N] [--workers N] [--before DIR] [--smoke]``

``--before DIR``: first serve the same index with the code in DIR (a checkout of the code before
a change, e.g. the main branch; its default server settings), then with this checkout's, in one
run, so the two are compared on the same machine under the same other load. The report says
which of the serving targets (issue 16) each one meets: throughput at 16 connections at least
1.8x the 1-connection throughput, p99 at 16 connections at most 1 s, /api/health and /doc p95 at
most 50 ms at 16 connections, and at most 150 MB (PSS) per worker process beyond the first.

Bounded and loopback only: the server (a child process, as a council runs it) listens on
127.0.0.1, and each level stops after ``--requests`` requests or ``--seconds`` seconds,
whichever comes first. Every connection is a thread with its own keep-alive HTTP connection,
sending a fixed mix: the search page (40%), /api/search in the three modes (30%), a document
page (20%), "more like this" (10%) and /api/health (5%). Each level runs twice: alone, and while a publisher
re-indexes in a loop (``minsearch index`` in a child process, changing one meeting each time,
so every run publishes a new generation). Reported per level: requests, errors (any failed
request or status other than 200), throughput, p50/p95/p99 latency, the /doc p50 (a 3 ms
page that should not wait behind searches), the server's RSS and peak RSS, and publishes.

The index: ``--index``, else the cached Limerick 100% index (benchmarks.build_limerick) if it
is built, else the seeds index. It is copied first, so the re-index never touches a cached
index. Writes benchmarks/results/load.md and its section of RESULTS.md (``--smoke``: only
benchmarks/.cache/load-smoke.md).
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shlex
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .common import BENCH_DIR, CACHE, checkout_env
from .speed import LATENCY_QUERIES, minsearch_exe, pct

SEEDS_QUERIES = [
    "dental checks",
    "foster carers quitting",
    "missing episodes",
    "placement stability",
    "care leavers",
    "school exclusions",
    "health assessments",
    "personal education plans",
    "children running away from home",
    "virtual school head report",
]
MIX = (("page", 40), ("api", 30), ("doc", 20), ("similar", 10), ("health", 5))
RESULTS_MD = BENCH_DIR / "results" / "load.md"
MEETING = (
    "Agenda item\n\nLoad Test Item\n\nMinutes:\n\nThe committee noted report number {n} on the "
    "benchmark publisher's weekly run, and agreed the {n}th update of the schedule.\n"
)


@dataclass
class Sample:
    kind: str
    ms: float
    ok: bool
    error: str = ""


@dataclass
class Level:
    connections: int
    reindex: bool
    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0
    rss_mb: float = 0.0
    hwm_mb: float = 0.0
    publishes: int = 0
    publish_errors: list[str] = field(default_factory=list)
    memory: dict = field(default_factory=dict)

    def row(self) -> dict:
        ms = [s.ms for s in self.samples]
        doc = [s.ms for s in self.samples if s.kind == "doc"]
        health = [s.ms for s in self.samples if s.kind == "health"]
        errors = [s for s in self.samples if not s.ok]
        return {
            "connections": self.connections,
            "reindex": self.reindex,
            "requests": len(self.samples),
            "errors": len(errors),
            "error_examples": sorted({e.error for e in errors})[:3],
            "req_per_s": len(self.samples) / self.seconds if self.seconds else float("nan"),
            "p50_ms": pct(ms, 50),
            "p95_ms": pct(ms, 95),
            "p99_ms": pct(ms, 99),
            "doc_p50_ms": pct(doc, 50) if doc else float("nan"),
            "doc_p95_ms": pct(doc, 95) if doc else float("nan"),
            "health_p95_ms": pct(health, 95) if health else float("nan"),
            "memory": self.memory,
            "rss_mb": self.rss_mb,
            "hwm_mb": self.hwm_mb,
            "publishes": self.publishes,
            "publish_errors": self.publish_errors[:3],
            "seconds": self.seconds,
        }


class Targets:
    """What the mix asks for: queries, and documents and paragraphs that exist in the index."""

    def __init__(self, base: str, queries: list[str]) -> None:
        self.queries = queries
        self.docs: list[str] = []
        self.chunks: list[str] = []
        for q in queries[:12]:
            status, body = _get_json(base, "/api/search?" + urllib.parse.urlencode({"q": q, "limit": 10}))
            if status == 200:
                for h in body["hits"]:
                    self.docs.append(h["doc_id"])
                    self.chunks.append(h["chunk_id"])
        if not self.docs:
            raise RuntimeError("the index answered no search with a hit; nothing to load-test")
        self.docs, self.chunks = sorted(set(self.docs)), sorted(set(self.chunks))

    def path(self, kind: str, rnd: random.Random) -> str:
        if kind == "page":
            return "/?" + urllib.parse.urlencode({"q": rnd.choice(self.queries)})
        if kind == "api":
            return "/api/search?" + urllib.parse.urlencode(
                {"q": rnd.choice(self.queries), "mode": rnd.choice(("hybrid", "keyword", "semantic"))}
            )
        if kind == "doc":
            return "/doc?" + urllib.parse.urlencode({"id": rnd.choice(self.docs)})  # any id, see web.doc_href
        if kind == "health":
            return "/api/health"
        return "/similar?" + urllib.parse.urlencode({"chunk": rnd.choice(self.chunks)})


def _get_json(base: str, path: str) -> tuple[int, dict]:
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, json.loads(r.read() or b"{}")
    finally:
        conn.close()


def _connection(base: str, targets: Targets, seed: int, take: Callable[[], bool], out: list[Sample]) -> None:
    """One client connection (keep-alive), sending requests from the mix while ``take()`` allows."""
    u = urllib.parse.urlsplit(base)
    rnd = random.Random(seed)
    kinds = [k for k, w in MIX for _ in range(w)]
    conn: Optional[http.client.HTTPConnection] = None
    while take():
        kind = rnd.choice(kinds)
        path = targets.path(kind, rnd)
        t = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            ok, err = r.status == 200, ("" if r.status == 200 else f"HTTP {r.status} {kind}")
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as e:
            ok, err = False, f"{kind}: {e.__class__.__name__}: {e}"[:200]
            if conn is not None:
                conn.close()
            conn = None
        out.append(Sample(kind, (time.perf_counter() - t) * 1000, ok, err))
    if conn is not None:
        conn.close()


class Publisher:
    """Re-indexes in a loop as a publisher would: `minsearch index` on a folder with one meeting
    that changes every time, so each run publishes a new generation of the served index."""

    def __init__(self, home: Path, work: Path) -> None:
        self.home = home
        self.folder = work / "publisher"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.n = 0
        self.publishes = 0
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def start(self) -> None:
        self._stop.clear()
        self.publishes, self.errors = 0, []
        self._thread = threading.Thread(target=self._loop, name="publisher", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.n += 1
            (self.folder / "weekly.txt").write_text(MEETING.format(n=self.n), encoding="utf-8")
            p = subprocess.run(
                minsearch_exe() + ["index", str(self.folder), "--index", str(self.home), "--json", "--wait", "60"],
                capture_output=True,
                text=True,
                timeout=900,
            )
            if p.returncode != 0:
                self.errors.append((p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1][:300])
            elif json.loads(p.stdout.strip().splitlines()[-1]).get("published"):
                self.publishes += 1

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def _memory(pid: int) -> tuple[float, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            fields[k] = v.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def server_memory(pid: int) -> dict:
    """PSS (shared pages split between the processes sharing them) and USS (pages of its own) of
    the server process and its worker processes, in MB, from /proc/PID/smaps_rollup."""

    def rollup(p: int) -> dict:
        f: dict[str, int] = {}
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines()[1:]:
                k, v = line.split(":", 1)
                f[k] = int(v.split()[0])
        except OSError:
            return {}
        return {
            "pss_mb": f.get("Pss", 0) / 1024,
            "uss_mb": (f.get("Private_Clean", 0) + f.get("Private_Dirty", 0)) / 1024,
        }

    main = rollup(pid)
    workers = [m for m in (rollup(c) for c in _children(pid)) if m]
    return {
        "main": main,
        "workers": workers,
        "total_pss_mb": main.get("pss_mb", 0) + sum(w["pss_mb"] for w in workers),
    }


def run_level(
    base: str,
    pid: int,
    targets: Targets,
    connections: int,
    requests: int,
    seconds: float,
    publisher: Optional[Publisher] = None,
    min_publishes: int = 0,
) -> Level:
    """``connections`` connections until ``requests`` are answered (and, with a publisher, at least
    ``min_publishes`` re-index runs published) or ``seconds`` pass."""
    level = Level(connections, publisher is not None)
    lock = threading.Lock()
    issued = [0]
    deadline = time.monotonic() + seconds

    def take() -> bool:
        with lock:
            if time.monotonic() > deadline:
                return False
            enough = issued[0] >= requests and (publisher is None or publisher.publishes >= min_publishes)
            if enough:
                return False
            issued[0] += 1
            return True

    per: list[list[Sample]] = [[] for _ in range(connections)]
    if publisher is not None:
        publisher.start()
    t = time.perf_counter()
    threads = [
        threading.Thread(target=_connection, args=(base, targets, 1000 * connections + i, take, per[i]))
        for i in range(connections)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    level.seconds = time.perf_counter() - t
    if publisher is not None:
        publisher.stop()
        level.publishes, level.publish_errors = publisher.publishes, list(publisher.errors)
    level.samples = [s for part in per for s in part]
    level.rss_mb, level.hwm_mb = _memory(pid)
    level.memory = server_memory(pid)
    return level


def cached_limerick() -> Optional[Path]:
    """The Limerick 100% index benchmarks.build_limerick cached, if it is built."""
    for folder in sorted(CACHE.glob("limerick-100pct-*")):
        if (folder / "summary.json").is_file() and (folder / "index" / "CURRENT").is_file():
            return folder / "index"
    return None


def run(
    index: Path,
    levels: list[int],
    requests: int,
    seconds: float,
    threads: Optional[int] = 4,
    reindex: bool = True,
    work: Optional[Path] = None,
    log: Callable[[str], None] = print,
    min_publishes: int = 1,
    label: str = "",
    workers: Optional[int] = None,
    code: Optional[Path] = None,
    name: str = "",
) -> dict:
    """Serve a copy of ``index`` and load it level by level; returns the results (see :func:`markdown`).
    ``code``: serve with the code of that checkout (else this one's); ``workers``: ``--workers``."""
    from benchmarks.serve_process import ServeProcess

    work = Path(work or CACHE / "load-work")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    home = work / "index"
    t = time.perf_counter()
    shutil.copytree(index, home, symlinks=True)
    (home / "LOCK").unlink(missing_ok=True)
    log(f"  copied {index} in {time.perf_counter() - t:.1f} s")
    queries = SEEDS_QUERIES + LATENCY_QUERIES
    out: dict = {
        "index": label or str(index),
        "levels": levels,
        "requests_per_level": requests,
        "seconds_cap": seconds,
        "server_threads": threads,
        "server_workers": workers,
        "rows": [],
    }
    extra = (["--threads", str(threads)] if threads else []) + (["--workers", str(workers)] if workers else [])
    command, cwd, env = minsearch_exe(), None, None
    if code is not None:
        command, cwd = [sys.executable, "-m", "minsearch.app.cli"], Path(code)
        env = checkout_env(Path(code))
    with ServeProcess(
        home, work / "serve.log", timeout=180, command=command, extra_args=extra, cwd=cwd, env=env
    ) as srv:
        out["health"] = srv.health
        targets = Targets(srv.base, queries)
        run_level(srv.base, srv.pid, targets, 2, min(20, requests), seconds)  # warm up: encoder, caches
        publisher = Publisher(home, work) if reindex else None
        for with_reindex in (False, True) if reindex else (False,):
            for n in levels:
                lv = run_level(
                    srv.base, srv.pid, targets, n, requests, seconds, publisher if with_reindex else None, min_publishes
                )
                row = lv.row()
                row["code"] = name
                out["rows"].append(row)
                log(
                    f"  {n:3d} connections{' + re-index' if with_reindex else '':12s}: {row['requests']} requests, "
                    f"{row['errors']} errors, {row['req_per_s']:.1f} req/s, p50 {row['p50_ms']:.0f} ms, "
                    f"p95 {row['p95_ms']:.0f} ms, p99 {row['p99_ms']:.0f} ms, /doc p95 {row['doc_p95_ms']:.0f} ms, "
                    f"/api/health p95 {row['health_p95_ms']:.0f} ms, "
                    f"PSS {row['memory'].get('total_pss_mb', 0):.0f} MB"
                    + (f", {row['publishes']} publishes" if with_reindex else "")
                )
        out["server_log_errors"] = [
            ln
            for ln in (work / "serve.log").read_text().splitlines()
            if " 500 " in ln or "Traceback" in ln or "ERROR" in ln
        ][:5]
    shutil.rmtree(work, ignore_errors=True)
    return out


def memory_by_workers(
    index: Path, counts: list[int], requests: int, seconds: float, log=print, code: Optional[Path] = None
) -> list[dict]:
    """The server's total PSS (main process and workers) after ``requests`` at 16 connections,
    for each number of workers: what one more worker costs. ``code``: serve that checkout's code."""
    out = []
    for n in counts:
        res = run(index, [16], requests, seconds, None, reindex=False, log=lambda m: None, workers=n, code=code)
        mem = res["rows"][0]["memory"]
        out.append({"workers": n, "total_pss_mb": mem["total_pss_mb"], "memory": mem})
        log(f"  --workers {n}: total PSS {mem['total_pss_mb']:.0f} MB")
    return out


MEMORY_MD = BENCH_DIR / "results" / "memory.md"


def memory_side_by_side(
    index: Path,
    counts: list[int],
    requests: int,
    seconds: float,
    before: Path,
    rounds: int,
    log=print,
    before_index: Optional[Path] = None,
) -> list[dict]:
    """:func:`memory_by_workers` for the code in ``before`` (serving ``before_index``, an index in
    its format, when given) and for this checkout, alternating round by round so that the
    machine's load falls on both alike."""
    out = []
    for r in range(rounds):
        for name, code, served in (
            ("before", before.resolve(), before_index or index),
            ("after", BENCH_DIR.parent, index),
        ):
            log(f"round {r + 1}, {name}")
            out.append(
                {
                    "round": r + 1,
                    "code": name,
                    "by_workers": memory_by_workers(served, counts, requests, seconds, log, code),
                }
            )
    return out


def memory_markdown(res: dict) -> str:
    """The "Memory per worker" section (results/memory.md) from :func:`memory_side_by_side`."""
    L = [
        "## Memory per worker, before and after (issue 16 target 1)",
        "",
        f"- Measured {res['date']} by `{res['command']}` on {res['machine']}; load average "
        f"{res['load_average']} at the end",
        f"- Index: {res['index']}; before: {res['before']}"
        + (
            f" (serving {res['before_index']}, its index format)"
            if res.get("before_index", res["index"]) != res["index"]
            else ""
        )
        + "; after: this checkout",
        f"- Total PSS of the server's processes (master and workers) after {res['requests']} requests at 16 "
        "connections (the load benchmark's mix), by `--workers`; each worker's PSS (own pages) in brackets",
        "",
        "| round | code | " + " | ".join(f"--workers {n}" for n in res["counts"]) + " | MB per worker added |",
        "|---|---|" + "---|" * (len(res["counts"]) + 1),
    ]
    worst: dict[str, float] = {}
    for row in res["runs"]:
        cells = []
        for m in row["by_workers"]:
            each = ", ".join(f"{w['pss_mb']:.0f} ({w['uss_mb']:.0f})" for w in m["memory"].get("workers", []))
            cells.append(f"{m['total_pss_mb']:.0f}" + (f" [{each}]" if each else ""))
        steps = [b["total_pss_mb"] - a["total_pss_mb"] for a, b in zip(row["by_workers"], row["by_workers"][1:])]
        worst[row["code"]] = max(worst.get(row["code"], float("-inf")), max(steps, default=float("nan")))
        L.append(
            f"| {row['round']} | {row['code']} | " + " | ".join(cells) + f" | {', '.join(f'{x:.0f}' for x in steps)} |"
        )
    after = worst.get("after", float("nan"))
    L += [
        "",
        f"Largest step per worker added: before {worst.get('before', float('nan')):.0f} MB, after {after:.0f} MB "
        f"(target <= 150 MB: **{'met' if after <= 150 else 'NOT met'}** on this run).",
    ]
    return "\n".join(L) + "\n"


def _f(x: float, nd: int = 0) -> str:
    return "n/a" if x != x else f"{x:.{nd}f}"


def markdown(res: dict) -> str:
    m = res.get("machine") or {}
    L = ["## Load: the served page under concurrent connections", ""]
    if m:
        L += [
            f"- Machine: {m.get('cpu')}; {m.get('cores')} cores ({m.get('usable_cores')} usable); RAM {m.get('ram')}; "
            f"Python {m.get('python')}; shared with other jobs, so absolute figures are noisy"
        ]
    if res.get("date"):
        L += [f"- Measured {res['date']} by `{res.get('command', 'python -m benchmarks.load')}`"]
    h = res.get("health") or {}
    L += [
        f"- Index: {res['index']}: {h.get('documents', '?')} documents, {h.get('chunks', '?')} paragraphs, "
        "served by `minsearch serve"
        + (f" --threads {res['server_threads']}" if res.get("server_threads") else "")
        + (f" --workers {res['server_workers']}" if res.get("server_workers") else "")
        + "` on 127.0.0.1"
        + (f"; machine load average at the end {res['load_average']}" if res.get("load_average") else ""),
        f"- Each level: {res['requests_per_level']} requests or {res['seconds_cap']:g} s, whichever first (with "
        "re-index: also until at least one re-index has published); mix: search page 40%, /api/search 30% "
        "(hybrid, keyword, semantic), /doc 20%, /similar 10%, /api/health 5% (weights); keep-alive connections",
    ]
    L += [f"- {note}" for note in res.get("notes", [])] + [""]
    L += [
        "| connections | re-index | requests | errors | req/s | p50 ms | p95 ms | p99 ms | /doc p50 ms | RSS MB (peak) "
        "| publishes | /doc p95 ms | /api/health p95 ms | PSS MB (workers) | server |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in res["rows"]:
        mem = r.get("memory") or {}
        workers = ", ".join(_f(w["pss_mb"]) for w in mem.get("workers", []))
        L.append(
            f"| {r['connections']} | {'yes' if r['reindex'] else 'no'} | {r['requests']} | {r['errors']} | "
            f"{_f(r['req_per_s'], 1)} | {_f(r['p50_ms'])} | {_f(r['p95_ms'])} | {_f(r['p99_ms'])} | "
            f"{_f(r['doc_p50_ms'], 1)} | {_f(r['rss_mb'])} ({_f(r['hwm_mb'])}) | "
            f"{r['publishes'] if r['reindex'] else '-'} | {_f(r.get('doc_p95_ms', float('nan')), 1)} | "
            f"{_f(r.get('health_p95_ms', float('nan')), 1)} | "
            f"{_f(mem.get('total_pss_mb', float('nan')))}{f' ({workers})' if workers else ''} | {r.get('code') or '-'} |"
        )
    errors = sum(r["errors"] for r in res["rows"])
    pub_errors = [e for r in res["rows"] for e in r["publish_errors"]]
    examples = sorted({e for r in res["rows"] for e in r["error_examples"]})[:3]
    L += [
        "",
        f"Errors: {errors} failed requests"
        + (f" (e.g. {'; '.join(examples)})" if errors else "")
        + f"; re-index failures: {len(pub_errors)}"
        + (f" ({pub_errors[0]})" if pub_errors else "")
        + f"; 500s or tracebacks in the server log: {len(res.get('server_log_errors', []))}; "
        f"{sum(r['publishes'] for r in res['rows'])} generations published during the re-index levels.",
        "",
    ]
    mw = res.get("memory_by_workers") or []
    if mw:
        L += [
            "Memory per worker (this checkout; total PSS of the server's processes after "
            f"{min(res['requests_per_level'], 150)} requests at 16 connections, by `--workers`):",
            "",
            "| --workers | total PSS MB | more than one worker fewer | each worker's PSS (own pages) MB |",
            "|---|---|---|---|",
        ]
        for prev, m in zip([None] + mw[:-1], mw):
            each = ", ".join(f"{w['pss_mb']:.0f} ({w['uss_mb']:.0f})" for w in m["memory"].get("workers", []))
            more = f"{m['total_pss_mb'] - prev['total_pss_mb']:.0f}" if prev else "-"
            L.append(f"| {m['workers']} | {m['total_pss_mb']:.0f} | {more} | {each or 'one process'} |")
        L.append("")
    verdicts = targets(res["rows"], mw)
    if verdicts:
        names = list(verdicts)
        L += ["| serving target (issue 16) | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        for t in TARGETS:
            L.append(f"| {t} | " + " | ".join(verdicts[n].get(t, "not measured") for n in names) + " |")
        L.append("")
    return "\n".join(L)


TARGETS = (
    "req/s at 16 connections >= 1.8x req/s at 1",
    "p99 at 16 connections <= 1000 ms",
    "/api/health p95 at 16 connections <= 50 ms",
    "/doc p95 at 16 connections <= 50 ms",
    "memory per worker beyond the first <= 150 MB (PSS)",
)


def targets(rows: list[dict], by_workers: Optional[list[dict]] = None) -> dict[str, dict[str, str]]:
    """For each server measured (by its ``code`` name): each target as 'figure (met / NOT met)',
    from the levels without a re-index."""
    out: dict[str, dict[str, str]] = {}
    for name in dict.fromkeys(r.get("code") or "this" for r in rows):
        mine = {r["connections"]: r for r in rows if (r.get("code") or "this") == name and not r["reindex"]}
        one, busy = mine.get(1), mine.get(16)
        if busy is None:
            continue

        def verdict(text: str, ok: bool) -> str:
            return f"{text} ({'met' if ok else 'NOT met'})"

        v: dict[str, str] = {}
        if one is not None:
            ratio = busy["req_per_s"] / one["req_per_s"]
            v[TARGETS[0]] = verdict(f"{ratio:.2f}x ({busy['req_per_s']:.1f} / {one['req_per_s']:.1f})", ratio >= 1.8)
        v[TARGETS[1]] = verdict(f"{busy['p99_ms']:.0f} ms", busy["p99_ms"] <= 1000)
        v[TARGETS[2]] = verdict(
            f"{busy.get('health_p95_ms', float('nan')):.0f} ms", busy.get("health_p95_ms", 1e9) <= 50
        )
        v[TARGETS[3]] = verdict(f"{busy.get('doc_p95_ms', float('nan')):.0f} ms", busy.get("doc_p95_ms", 1e9) <= 50)
        workers = (busy.get("memory") or {}).get("workers") or []
        steps = [b["total_pss_mb"] - a["total_pss_mb"] for a, b in zip(by_workers or [], (by_workers or [])[1:])]
        if steps and name in ("this", "after"):
            worst = max(steps)
            v[TARGETS[4]] = verdict(f"{worst:.0f} MB more per worker added (table above)", worst <= 150)
        elif len(workers) >= 2:
            # A worker's PSS includes its share of what the workers share (the encoder, the
            # vectors): not what one more worker adds, which --memory-workers measures.
            worst = max(w["pss_mb"] for w in workers)
            v[TARGETS[4]] = (
                f"{worst:.0f} MB PSS for one worker (of {len(workers)}); what one more adds: "
                '--memory-workers (section "Memory per worker")'
            )
        elif busy.get("memory"):
            v[TARGETS[4]] = "one process (no extra workers)"
        out[name] = v
    return out


def splice_into_results(
    section: str,
    results: Path = BENCH_DIR / "RESULTS.md",
    head: str = "## Load: the served page under concurrent connections",
) -> None:
    """Put ``section`` into RESULTS.md in place of an earlier one under ``head`` (or before the plots)."""
    text = results.read_text(encoding="utf-8") if results.is_file() else "# minsearch benchmarks\n"
    if head in text:
        start = text.index(head)
        nxt = text.find("\n## ", start + len(head))
        text = text[:start] + section.strip() + "\n" + (text[nxt:] if nxt >= 0 else "")
    elif "\n## Plots" in text:
        i = text.index("\n## Plots")
        text = text[:i] + "\n" + section.strip() + "\n" + text[i:]
    else:
        text = text.rstrip() + "\n\n" + section.strip() + "\n"
    results.write_text(text, encoding="utf-8")


def _memory_only(a: argparse.Namespace, argv) -> int:
    from .report import machine

    if a.before is None or not a.memory_workers:
        raise SystemExit("--memory-only needs --before DIR and --memory-workers (e.g. 1,2)")
    index = a.index or cached_limerick()
    if index is None:
        raise SystemExit("no index: pass --index or build Limerick (python -m benchmarks.build_limerick)")
    counts = [int(x) for x in a.memory_workers.split(",") if x.strip()]
    requests = min(a.requests, 150)
    runs = memory_side_by_side(index, counts, requests, a.seconds, a.before, a.rounds, before_index=a.before_index)
    m = machine()
    res = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "command": " ".join(["python -m benchmarks.load"] + [shlex.quote(x) for x in (argv or sys.argv[1:])]),
        "machine": f"{m.get('cpu', '?')}, {m.get('cores', '?')} cores",
        "load_average": " ".join(f"{x:.1f}" for x in __import__("os").getloadavg()),
        "index": str(index),
        "before": str(a.before),
        "before_index": str(a.before_index or index),
        "requests": requests,
        "counts": counts,
        "runs": runs,
    }
    (CACHE / "memory.json").write_text(json.dumps(res, indent=1, default=str))
    MEMORY_MD.write_text(memory_markdown(res), encoding="utf-8")
    print(MEMORY_MD.read_text())
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, help="index to serve (copied first); default: cached Limerick, else seeds")
    ap.add_argument("--levels", default="1,4,16,32,64", help="connections per level")
    ap.add_argument("--requests", type=int, default=300, help="requests per level")
    ap.add_argument("--seconds", type=float, default=90, help="at most this long per level")
    ap.add_argument("--threads", type=int, help="server threads (minsearch serve --threads; default: its default)")
    ap.add_argument("--workers", type=int, help="server processes (minsearch serve --workers; default: its default)")
    ap.add_argument(
        "--memory-workers", default="", help="also measure total PSS for these --workers counts, e.g. 1,2,3"
    )
    ap.add_argument(
        "--before", type=Path, help="also serve with the code of this checkout first (e.g. main), for comparison"
    )
    ap.add_argument(
        "--before-index",
        type=Path,
        help="the index --before serves (an index in its own format; default: the same as --index)",
    )
    ap.add_argument(
        "--memory-only",
        action="store_true",
        help="only --memory-workers, for --before and this checkout alternating (results/memory.md)",
    )
    ap.add_argument("--rounds", type=int, default=2, help="with --memory-only: rounds of before and after")
    ap.add_argument("--no-reindex", action="store_true", help="skip the levels with a concurrent re-index")
    ap.add_argument("--smoke", action="store_true", help="levels 1,4 with 15 requests: checks the code, not figures")
    ap.add_argument(
        "--rewrite",
        action="store_true",
        help="only write results/load.md and RESULTS.md again from the last full run (.cache/load.json)",
    )
    a = ap.parse_args(argv)
    from .report import machine

    if a.rewrite:
        md = markdown(json.loads((CACHE / "load.json").read_text()))
        RESULTS_MD.write_text(md, encoding="utf-8")
        splice_into_results(md)
        return 0

    if a.memory_only:
        return _memory_only(a, argv)
    levels = [1, 4] if a.smoke else [int(x) for x in a.levels.split(",") if x.strip()]
    requests, seconds = (15, 30.0) if a.smoke else (a.requests, a.seconds)
    notes = []
    index, label = a.index, str(a.index) if a.index else ""
    if index is None:
        index = cached_limerick()
        if index is not None:
            label = "Limerick 100% (cached by benchmarks.build_limerick)"
        else:
            from .quality import minutes_index
            from .run import LazyEncoder

            index, _why = minutes_index("seeds", Path("."), LazyEncoder(), print)
            label = "seeds/"
            notes.append(
                "The Limerick index is not built on this machine (benchmarks.build_limerick), so this "
                "ran on the seeds index: 108 paragraphs, so searches are cheaper than on Limerick's 90,672."
            )
    CACHE.mkdir(parents=True, exist_ok=True)
    rows = []
    if a.before is not None:
        print(f"before: {a.before}")
        before = run(
            a.before_index or index,
            levels,
            requests,
            seconds,
            a.threads,
            reindex=not a.no_reindex,
            label=label,
            code=a.before.resolve(),
            name="before",
        )
        rows = before["rows"]
        notes.append(
            f"before: the code in {a.before}, after: this checkout; each with `minsearch serve`'s defaults "
            "unless --threads or --workers say otherwise"
            + (f"; before served {a.before_index} (its own index format), after {index}" if a.before_index else "")
        )
    print("after" if a.before else "this checkout")
    res = run(
        index,
        levels,
        requests,
        seconds,
        a.threads,
        reindex=not a.no_reindex,
        label=label,
        workers=a.workers,
        code=BENCH_DIR.parent,
        name="after" if a.before else "",
    )
    res["rows"] = rows + res["rows"]
    if a.memory_workers:
        print("memory by workers")
        counts = [int(x) for x in a.memory_workers.split(",") if x.strip()]
        res["memory_by_workers"] = memory_by_workers(index, counts, min(requests, 150), seconds)
    res["load_average"] = " ".join(f"{x:.1f}" for x in __import__("os").getloadavg())
    res.update(
        date=time.strftime("%Y-%m-%d %H:%M %Z"),
        machine=machine(),
        notes=notes,
        command=" ".join(["python -m benchmarks.load"] + [shlex.quote(x) for x in (argv or sys.argv[1:])]),
    )
    (CACHE / ("load-smoke.json" if a.smoke else "load.json")).write_text(json.dumps(res, indent=1, default=str))
    md = markdown(res)
    if a.smoke:
        (CACHE / "load-smoke.md").write_text(md, encoding="utf-8")
        print(f"wrote {CACHE / 'load-smoke.md'}")
    else:
        RESULTS_MD.parent.mkdir(parents=True, exist_ok=True)
        RESULTS_MD.write_text(md, encoding="utf-8")
        splice_into_results(md)
        print(f"wrote {RESULTS_MD} and its section of {BENCH_DIR / 'RESULTS.md'}")
    return 1 if any(r["errors"] for r in res["rows"]) else 0


if __name__ == "__main__":
    sys.exit(main())
