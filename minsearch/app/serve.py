"""``minsearch serve``: the search page under waitress, a production WSGI server.

One line per request goes to stderr: ``METHOD /path?query STATUS MSms``.
"""

from __future__ import annotations

import ipaddress
import logging
import signal
import socket
import sys
import threading
import time
from typing import Callable, Iterable, Optional

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


def _setup_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    for name in ("minsearch", "waitress"):
        lg = logging.getLogger(name)
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
) -> None:
    """Serve until interrupted. Raises MinsearchError if there is no index or the port is taken."""
    from waitress import create_server

    from .web import create_app

    check_host(host, port)
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
