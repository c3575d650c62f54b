"""Run `minsearch serve` in a child process on a free loopback port, until /api/health answers.

Used by the browser tests and by the benchmarks' memory and load measurements.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerDidNotStart(RuntimeError):
    pass


class ServeProcess:
    """``with ServeProcess(index_dir, log_path) as srv:`` ... ``srv.base``, ``srv.pid``, ``srv.health``."""

    def __init__(
        self,
        index_dir: Path,
        log_path: Path,
        timeout: float = 60.0,
        command: Optional[list[str]] = None,
        extra_args: Optional[list[str]] = None,
        cwd: Optional[Path] = None,
        env: Optional[dict[str, str]] = None,
    ) -> None:
        self.extra_args = list(extra_args or [])
        self.cwd = cwd or ROOT
        self.env = env if env is not None else dict(os.environ)
        self.index_dir = Path(index_dir)
        self.log_path = Path(log_path)
        self.timeout = timeout
        self.command = command or [sys.executable, "-m", "minsearch.app.cli"]
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: Optional[subprocess.Popen] = None
        self.health: dict = {}

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def __enter__(self) -> "ServeProcess":
        env = {**self.env, "PYTHONUNBUFFERED": "1"}
        with open(self.log_path, "w") as err:
            self.proc = subprocess.Popen(
                self.command + ["serve", "--index", str(self.index_dir), "--port", str(self.port)] + self.extra_args,
                stdout=err,
                stderr=subprocess.STDOUT,
                cwd=self.cwd,
                env=env,
            )
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                with urllib.request.urlopen(self.base + "/api/health", timeout=2) as r:
                    self.health = json.load(r)
                return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.__exit__(None, None, None)
                    raise ServerDidNotStart(
                        f"minsearch serve did not start:\n{self.log_path.read_text()[-2000:]}"
                    ) from None
                time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class ServeThread:
    """A WSGI app under waitress on a free loopback port, in a thread of this process (so a test
    can patch the code it serves): ``with ServeThread(app, threads=4) as srv:`` ... ``srv.base``."""

    def __init__(self, app, threads: int = 4) -> None:
        from waitress import create_server

        self.server = create_server(app, host="127.0.0.1", port=0, threads=threads)
        self.base = f"http://127.0.0.1:{self.server.effective_port}"
        self._thread = None

    def __enter__(self) -> "ServeThread":
        import threading

        self._thread = threading.Thread(target=self.server.run, name="waitress-loop", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        from waitress import wasyncore

        # Let the worker threads finish first: one that has just answered wakes the loop through
        # its trigger, and a trigger already closed under it was logged as an error (Errno 9 in
        # a worker, seen in a clean clone's suite after a slow request's answer was read).
        self.server.task_dispatcher.shutdown()
        # Then close every socket from the loop's own thread (a closed descriptor under a running
        # poll() is an error), which ends the loop.
        try:
            self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        except OSError:
            # The loop already closed its sockets, trigger included (seen once in a full suite
            # run on a loaded machine: Errno 9 here, after the test's requests had all passed).
            pass
        self._thread.join(10)
