"""Who may write: an flock for writers on this machine (a lock file beside the index) and an advisory lease
row for writers on other machines (:class:`_Lease`)."""

from __future__ import annotations

import json
import os
import socket
import time
from typing import Optional

from .schema import _DUMMY

LEASE_SECONDS = 600.0  # an unrenewed writer lease from a dead writer on another machine expires after this


class _Lease:
    """An advisory writer lease, as a row of the meta collection, for writers on other machines.

    Milvus has no compare-and-set, so two writers starting in the same instant on two machines
    can both take it (the second read-back narrows that window to a few milliseconds). A writer
    renews it while it commits; one that died stops renewing, and its lease expires after
    :data:`LEASE_SECONDS`.
    """

    def __init__(self, client, meta: str, wait: float) -> None:
        self.client = client
        self.meta = meta
        self.wait = wait
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{time.time_ns()}"
        self._renewed = 0.0

    def _current(self) -> Optional[dict]:
        rows = self.client.query(self.meta, filter='key == "writer"', output_fields=["value"])
        return json.loads(rows[0]["value"]) if rows else None

    def _write(self) -> None:
        value = {
            "holder": self.holder,
            "expires": time.time() + LEASE_SECONDS,
            "since": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        self.client.upsert(self.meta, [{"key": "writer", "value": json.dumps(value), "v": _DUMMY}])
        self._renewed = time.monotonic()

    def acquire(self) -> None:
        from ..layout import IndexBusy

        deadline = time.monotonic() + self.wait
        while True:
            cur = self._current()
            if cur is None or cur.get("expires", 0) < time.time() or cur.get("holder") == self.holder:
                self._write()
                time.sleep(0.05)
                cur = self._current()
                if cur and cur.get("holder") == self.holder:
                    return
            if time.monotonic() >= deadline:
                raise IndexBusy(
                    f"Milvus collection {self.meta[:-5]!r}: another `minsearch index` is writing "
                    f"({cur.get('holder', '?') if cur else '?'} since {cur.get('since', '?') if cur else '?'}); "
                    f"wait for it or pass --wait SECONDS"
                )
            time.sleep(0.5)

    def renew(self) -> None:
        if time.monotonic() - self._renewed > LEASE_SECONDS / 10:
            self._write()

    def release(self) -> None:
        try:
            cur = self._current()
            if cur and cur.get("holder") == self.holder:
                self.client.delete(self.meta, filter='key == "writer"')
                self.client.flush(self.meta)
        except Exception:  # noqa: BLE001 (the lease expires by itself)
            pass  # the lease expires by itself
