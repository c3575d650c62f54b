"""Start a real Milvus server for tests: the C++ core that the ``milvus-lite`` package ships.

``milvus_lite.server.Server`` runs ``lib/milvus <db file> <address> <log level>`` with
``LD_LIBRARY_PATH`` set to ``lib/``; given an address (not a unix socket) it serves gRPC on it,
which is what ``pymilvus.MilvusClient(uri="http://127.0.0.1:PORT")`` talks to. We run the same
binary the same way, on a free loopback port, in a temporary folder, and stop it with SIGTERM
(SIGKILL after 5 s).

Used by the Milvus tests and by benchmarks/scale_out.py. Run by hand:
``python -m benchmarks.milvus_server [PORT]`` (Ctrl-C or SIGTERM stops it).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional


def milvus_lib() -> Path:
    """The folder holding the ``milvus`` binary and its shared libraries."""
    import importlib.util

    spec = importlib.util.find_spec("milvus_lite")  # import needs setuptools<81 (pkg_resources)
    if spec is None or not spec.origin:
        raise RuntimeError("milvus-lite is not installed (pip install 'milvus-lite==2.5.1' 'setuptools<81')")
    return Path(spec.origin).parent / "lib"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MilvusServer:
    """One Milvus process on 127.0.0.1; ``uri`` is what ``--milvus-uri`` takes."""

    def __init__(self, workdir: Optional[Path] = None, port: Optional[int] = None, log_level: str = "ERROR") -> None:
        self._own_dir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="milvus-"))
        self.port = port or free_port()
        self.log_level = log_level
        self.proc: Optional[subprocess.Popen] = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def uri(self) -> str:
        return f"http://{self.address}"

    def command(self) -> list[str]:
        lib = milvus_lib()
        return [str(lib / "milvus"), str(self.workdir / "milvus.db"), self.address, self.log_level]

    def start(self, timeout: float = 30.0) -> "MilvusServer":
        lib = milvus_lib()
        env = dict(os.environ)
        env["LD_LIBRARY_PATH"] = f"{lib}:{env.get('LD_LIBRARY_PATH', '')}".rstrip(":")
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = open(self.workdir / "milvus.log", "ab")
        self.proc = subprocess.Popen(
            self.command(), env=env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"milvus exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"milvus did not listen on {self.address} within {timeout} s: {self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return (self.workdir / "milvus.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None
        if self._own_dir:
            import shutil

            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "MilvusServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    # SIGTERM (and SIGINT, which a background shell job ignores) stop the server cleanly.
    def _stop(*_args: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    srv = MilvusServer(port=int(sys.argv[1]) if len(sys.argv) > 1 else None).start()
    print(f"Milvus listening on {srv.uri} (data in {srv.workdir}); Ctrl-C stops it", flush=True)
    try:
        while srv.proc and srv.proc.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()
