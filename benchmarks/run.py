"""One command: ``python -m benchmarks.run --data DIR [--smoke] [--only quality,speed,baseline]``.

Writes benchmarks/RESULTS.md and benchmarks/plots/*.png (``--smoke`` writes
benchmarks/.cache/RESULTS-smoke.md instead, so it never overwrites real figures). Sections not
selected with ``--only`` are carried over from the previous full run (.cache/results.json), with
the date each was measured.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
import warnings
from pathlib import Path

from .common import BENCH_DIR, CACHE

SECTIONS = ("quality", "minutes", "speed", "baseline")  # "minutes": only the judged-minutes part of quality


class LazyEncoder:
    """The product's encoder behind the benchmarks' embedding cache (the same vectors;
    a chunker or format change re-embeds only the texts it changed), made only if some index must
    be built."""

    def __init__(self) -> None:
        self._enc = None

    def _get(self):
        if self._enc is None:
            from .embed_cache import caching_encoder

            self._enc = caching_encoder("all-MiniLM-L6-v2")
        return self._enc

    def __getattr__(self, name):
        return getattr(self._get(), name)


def main(argv=None) -> int:
    from minsearch.config import load_settings

    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=None, help="data dir (default: $MINSEARCH_DATA / settings)")
    ap.add_argument("--smoke", action="store_true", help="tiny subsets: checks the code, not real figures")
    ap.add_argument(
        "--only",
        default="quality,speed,baseline",
        help="comma-separated: quality,speed,baseline (or minutes: re-run only the judged minutes set)",
    )
    ap.add_argument(
        "--growth",
        default="0.1,0.3,1.0",
        help="shares of Limerick for the growth curve (each is built once and cached)",
    )
    ap.add_argument(
        "--cached-only",
        action="store_true",
        help="never build Limerick indexes here (use those benchmarks.build_limerick cached); "
        "missing ones are reported as not run",
    )
    a = ap.parse_args(argv)
    data = (a.data or load_settings().data_dir).resolve()
    only = [s.strip() for s in a.only.split(",") if s.strip()]
    bad = [s for s in only if s not in SECTIONS]
    if bad:
        ap.error(f"--only: unknown section(s) {bad}; choose from {SECTIONS}")
    if not data.is_dir():
        print(f"benchmarks: data dir {data} not found", file=sys.stderr)
        return 2
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    CACHE.mkdir(parents=True, exist_ok=True)
    store = CACHE / ("results-smoke.json" if a.smoke else "results.json")
    res = json.loads(store.read_text()) if store.is_file() else {}
    res.setdefault("section_dates", {})
    res.update(
        {
            "date": time.strftime("%Y-%m-%d %H:%M %Z"),
            "data": str(data),
            "smoke": a.smoke,
            "command": "python -m benchmarks.run " + " ".join(shlex.quote(x) for x in (argv or sys.argv[1:])),
        }
    )
    from .report import machine

    res["machine"] = machine()
    enc = LazyEncoder()

    def log(msg: str) -> None:
        print(msg, flush=True)

    def save():
        store.write_text(json.dumps(res, indent=1, default=str))

    if "quality" in only:
        from . import quality

        log("== quality")
        t = time.perf_counter()
        res["quality"] = quality.run(data, enc, a.smoke, log, build_limerick=not a.cached_only)
        res["section_dates"]["quality"] = (
            f"{time.strftime('%Y-%m-%d %H:%M')} ({time.perf_counter() - t:.0f} s) by `{res['command']}`"
        )
        res["section_dates"].pop("quality/minutes", None)  # re-measured as part of quality
        save()
    if "minutes" in only and "quality" not in only:
        from . import quality

        log("== quality (judged minutes set only)")
        t = time.perf_counter()
        part = quality.run(data, enc, a.smoke, log, build_limerick=not a.cached_only, only_minutes=True)
        res.setdefault("quality", {"sets": [], "skipped": {}})["minutes"] = part["minutes"]
        res["section_dates"]["quality/minutes"] = (
            f"{time.strftime('%Y-%m-%d %H:%M')} ({time.perf_counter() - t:.0f} s) by `{res['command']}`"
        )
        save()
    if "speed" in only:
        from . import speed
        from .quality import minutes_index

        log("== speed")
        t = time.perf_counter()
        seeds_home, _why = minutes_index("seeds", data, enc, log)
        res["speed"] = speed.run(
            data,
            enc,
            a.smoke,
            log,
            seeds_home=seeds_home,
            growth=tuple(float(x) for x in a.growth.split(",") if x.strip()),
            build=not a.cached_only,
        )
        res["section_dates"]["speed"] = (
            f"{time.strftime('%Y-%m-%d %H:%M')} ({time.perf_counter() - t:.0f} s) by `{res['command']}`"
        )
        save()
    if "baseline" in only:
        from . import baseline

        log("== baseline")
        t = time.perf_counter()
        if not res.get("quality"):
            res["baseline"] = {"skipped": "needs the quality section's indexes (run --only quality first)"}
        else:
            res["baseline"] = baseline.run(res.get("quality") or {}, res.get("speed") or {}, data, log, a.smoke)
        res["section_dates"]["baseline"] = (
            f"{time.strftime('%Y-%m-%d %H:%M')} ({time.perf_counter() - t:.0f} s) by `{res['command']}`"
        )
        save()
    from .report import markdown, plots

    plot_files = [] if a.smoke else plots(res)
    out = CACHE / "RESULTS-smoke.md" if a.smoke else BENCH_DIR / "RESULTS.md"
    out.write_text(markdown(res, plot_files), encoding="utf-8")
    log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
