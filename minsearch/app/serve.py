"""``minsearch serve``: the search page under a production WSGI server.

One worker process (``--workers 1``, and wherever processes cannot fork): waitress, threads in
one process. Several (the default on Linux and macOS: one per core, at most four): gunicorn's
threaded workers. Python runs one thread at a time per process, so processes are what put the
second core to work, and a cheap page is not stuck behind searches holding the one interpreter.
The workers share what they can: the query encoder is loaded once, before they are forked, and
the index's vectors are memory-mapped (one copy in the page cache). Each worker follows newly
published index generations on its own, as one process does (a per-request snapshot).

One line per request goes to stderr: ``METHOD /path?query STATUS MSms`` (with several
workers, prefixed by the worker's process id).
"""

from __future__ import annotations

import gc
import ipaddress
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections import deque
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Optional

from ..config import Settings
from ..model import MinsearchError

log = logging.getLogger("minsearch.serve")
access = logging.getLogger("minsearch.access")


class RequestLog:
    """WSGI middleware: one access-log line per request, timed until the body has been sent."""

    def __init__(self, app: Callable, logger: logging.Logger = access) -> None:
        self.app = app
        self.logger = logger

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        t0 = time.perf_counter()
        status = ["-"]

        def start(status_line: str, headers, exc_info=None):
            status[0] = status_line.split(" ", 1)[0]
            return start_response(status_line, headers, exc_info)

        target = environ.get("REQUEST_URI") or (  # as sent (waitress), else rebuilt
            (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "") or "/")
            + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
        )
        target = target.replace("\n", "%0A").replace("\r", "%0D")  # one line per request, always
        if len(target) > 500:
            target = target[:500] + "…"
        body = self.app(environ, start)
        try:
            yield from body
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            ms = (time.perf_counter() - t0) * 1000
            self.logger.info("%s %s %s %.1fms", environ.get("REQUEST_METHOD", "-"), target, status[0], ms)


MAX_DEFAULT_WORKERS = 4  # each worker holds its own copy of the keyword index's caches
# Default threads of each of several workers, at most SEARCH_SLOTS searching: the others are free
# for quick pages. With 8, sixteen connections of searches took every thread and /api/health waited
# behind them (p95 206 ms on Limerick, 2 workers, quiet machine); with 32, 47 ms, throughput the same.
WORKER_THREADS = 32
# Searches at once in one worker process (see SearchSlots). One: a hybrid search already runs its
# vector scan beside its keyword scoring, and two searches in one process shared its interpreter
# with the quick pages. On Limerick at 16 connections, 2 workers, two runs side by side (another
# job on the machine): /doc p95 107 -> 59 and 128 -> 62 ms, /api/health p95 65 -> 20 and 56 -> 21
# ms, 21.5 -> 22.7 and 20.3 -> 22.5 req/s, p99 1470 -> 1463 and 1673 -> 1593 ms.
SEARCH_SLOTS = 1


def default_workers() -> int:
    """One worker process per usable core, at most :data:`MAX_DEFAULT_WORKERS`; 1 where
    processes cannot fork (Windows), which serves with waitress."""
    if not hasattr(os, "fork"):
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(MAX_DEFAULT_WORKERS, cores))


# Pages that search (the rest read one record or a list): the results, decisions, feeds and exports.
SEARCH_PATHS = ("/", "/api/search", "/similar", "/decisions", "/api/decisions", "/feed.atom", "/export")


class SearchSlots:
    """WSGI middleware: at most ``slots`` searches at once in this process; the other requests
    (a document, /api/health, static files) never wait for one. Python runs one thread at a
    time, so more searches at once only share the same core more thinly, while the threads a
    quick page needs are all taken: with threads to spare and searches queued here, a quick page
    starts at once and shares the core with ``slots`` searches at most."""

    def __init__(self, app: Callable, slots: int) -> None:
        self.app = app
        self._free = slots
        self._lock = threading.Lock()
        self._waiting: deque[threading.Event] = deque()  # first come, first served

    @contextmanager
    def _slot(self) -> Iterator[None]:
        with self._lock:
            turn = None
            if self._free and not self._waiting:
                self._free -= 1
            else:
                turn = threading.Event()
                self._waiting.append(turn)
        if turn is not None:
            turn.wait()  # handed a slot by the search that finished
        try:
            yield
        finally:
            with self._lock:
                if self._waiting:
                    self._waiting.popleft().set()
                else:
                    self._free += 1

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        searching = (path in SEARCH_PATHS or path.startswith("/similar/")) and (
            path != "/" or "q=" in environ.get("QUERY_STRING", "")
        )
        if not searching:
            return self.app(environ, start_response)
        with self._slot():  # the whole answer is built inside: Flask's responses are not streamed
            body = self.app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()


def _setup_logging(pid: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    fmt = "%(asctime)s [%(process)d] %(message)s" if pid else "%(asctime)s %(message)s"
    handler.setFormatter(logging.Formatter(fmt, "%Y-%m-%d %H:%M:%S"))
    for name in ("minsearch", "waitress"):
        lg = logging.getLogger(name)
        if pid:  # a worker: one format for all its lines
            lg.handlers.clear()
        if not lg.handlers:
            lg.addHandler(handler)
        lg.setLevel(logging.INFO)
        lg.propagate = False


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, port: int) -> None:
    """``--host`` must be an address (or a name that resolves to one), checked before the index
    is opened: ``999.1.1.1`` was a traceback from waitress."""
    try:
        socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as e:
        reason = getattr(e, "strerror", None) or str(e)
        raise MinsearchError(f"{host!r} is not an address to listen on ({reason})", param="host") from None


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    threads: int = 4,
    ready: Optional[Callable[[str], None]] = None,
    workers: int = 1,
) -> None:
    """Serve until interrupted, with ``threads`` threads in each of ``workers`` processes (of
    several workers' threads, at most :data:`SEARCH_SLOTS` search at once).
    Raises MinsearchError if there is no index, the port is taken or a setting is wrong."""
    check_host(host, port)
    from ..ranking.rank import params_from

    params_from(settings)  # a bad MINSEARCH_FUSION stops the server now, not every search it answers
    if workers > 1:
        if not hasattr(os, "fork"):
            raise MinsearchError(
                "several workers need processes that fork (Linux, macOS): use --workers 1", param="workers"
            )
        _serve_workers(settings, host, port, threads, workers, ready)
        return
    from waitress import create_server

    from .web import create_app

    _setup_logging()
    app = create_app(settings)
    searcher = app.extensions["minsearch.searcher"]
    try:
        server = create_server(
            RequestLog(app),
            host=host,
            port=port,
            threads=threads,
            ident="minsearch",
            clear_untrusted_proxy_headers=True,
        )
    except OSError as e:
        searcher.close()
        raise MinsearchError(f"cannot listen on {host}:{port} ({e.strerror or e})", param="port") from None
    except ValueError as e:  # waitress: "Invalid host/port specified."
        searcher.close()
        raise MinsearchError(f"cannot listen on {host}:{port} ({e})", param="host") from None

    def warm() -> None:  # load the query encoder now, not on the first visitor's search
        try:
            searcher.encode(["warm up"])
        except Exception:  # pragma: no cover - a semantic search will report it
            log.exception("could not load the query encoder")

    threading.Thread(target=warm, name="warm-encoder", daemon=True).start()
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{server.effective_port}/"
    log.info("minsearch: serving %s on %s (Ctrl-C to stop)", settings.index_dir, url)
    if not is_loopback(host):
        log.warning("minsearch: listening on %s, beyond this machine; the page has no login", host)
    if ready is not None:
        ready(url)

    def stop(signum, frame):  # SIGTERM (service managers, tests) stops as cleanly as Ctrl-C
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
    try:
        server.run()  # returns on Ctrl-C / SIGTERM (waitress closes itself)
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        searcher.close()
        log.info("minsearch: stopped")


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _check_port(host: str, port: int) -> None:
    """The port is free (checked as gunicorn binds: a taken port was five retries, then a log line)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host.strip("[]"), port))
        except OSError as e:
            raise MinsearchError(f"cannot listen on {host}:{port} ({e.strerror or e})", param="port") from None


# glibc gives a threaded process up to eight malloc arenas per core, each keeping what its
# threads freed: with 32 threads per worker they held tens of MB each on Limerick.
_MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)


def _few_malloc_arenas() -> None:
    """Cap glibc's malloc arenas for the processes forked from here (nothing on other C libraries)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, _MALLOC_ARENAS)
    except (OSError, AttributeError):  # musl and others have no mallopt
        pass


def _one_blas_thread() -> None:
    """NumPy's BLAS (OpenBLAS) runs one thread in this process: in each of several workers the
    workers are the parallelism, as for the encoder. The vector scan (97k x 384 float32, one
    matrix-vector product) is memory-bound: on Limerick, with a request's pause between scans, it
    took 13.5-15.9 ms wall and 13.7-16.3 ms CPU with one thread against 15.9-17.8 ms wall and
    19.0-22.1 ms CPU with two (side by side, 2 cores), whose second thread spins for work after
    each scan, taking CPU from the other worker."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def _serve_workers(
    settings: Settings,
    host: str,
    port: int,
    threads: int,
    workers: int,
    ready: Optional[Callable[[str], None]],
    search_slots: int = SEARCH_SLOTS,
) -> None:
    """gunicorn: a master process and ``workers`` threaded worker processes on one socket."""
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

    from ..search import Searcher
    from .web import create_app

    _setup_logging()
    _check_port(host, port)
    # Opened here first: no index is one line now, not a log of failing workers. The encoder
    # (~90 MB for MiniLM's ONNX export) is loaded once and forked into every worker, which
    # shares its memory; one thread each, as the workers are the parallelism. Nothing else is
    # shared: each worker opens the index itself (open files must not be shared across forks).
    probe = Searcher(settings)
    try:
        encoder = probe.load_encoder(threads=1)
    finally:
        probe.close()
    _few_malloc_arenas()
    # What the master holds now (the encoder, imported modules) stays shared with the workers:
    # a collection in a worker would otherwise write to those objects' pages and copy them.
    gc.freeze()

    opened: list[Searcher] = []  # in each worker (a forked copy): its own Searcher

    def worker_app() -> Callable:
        _setup_logging(pid=True)
        _one_blas_thread()
        searcher = Searcher(settings, encoder=encoder)
        opened.append(searcher)
        app = create_app(settings, searcher=searcher)
        return RequestLog(SearchSlots(app, search_slots) if search_slots else app)

    def when_ready(arbiter) -> None:
        bound = arbiter.LISTENERS[0].sock.getsockname()[1]
        url = _url(host, bound)
        log.info("minsearch: serving %s on %s with %d workers (Ctrl-C to stop)", settings.index_dir, url, workers)
        if not is_loopback(host):
            log.warning("minsearch: listening on %s, beyond this machine; the page has no login", host)
        if ready is not None:
            ready(url)

    def worker_exit(arbiter, worker) -> None:
        """In the worker, as it stops: close its index, then leave at once. The interpreter's own
        exit would run ONNX Runtime's C++ destructors for an encoder made in the parent process,
        which abort (SIGABRT) in a forked child, or wait for threads that no longer run."""
        for searcher in opened:
            searcher.close()
        sys.stderr.flush()
        os._exit(0)

    options = {
        "bind": [f"[{host.strip('[]')}]:{port}" if ":" in host else f"{host}:{port}"],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "keepalive": 5,
        "timeout": 120,  # a worker silent this long is restarted (a search has a budget of seconds)
        "graceful_timeout": 10,
        "accesslog": None,  # RequestLog writes one line per request
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "minsearch",
        "when_ready": when_ready,
        "worker_exit": worker_exit,
        "on_exit": lambda arbiter: log.info("minsearch: stopped"),
    }

    class _Gunicorn(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Callable:
            return worker_app()

    _Gunicorn().run()
