"""Distributed batch embedding on a Ray cluster (``minsearch index --ray [ADDRESS]``).

Ray Data streams the texts through a pool of actors; each actor loads
:class:`~minsearch.encode.TorchEncoder` once (the same weights, the same vectors as a
single-process run) and embeds one batch per call. Each row carries its input position, so the
result comes back in input order whatever order the batches finish in.

``address`` None or "" starts a local cluster bound to 127.0.0.1 only (Ray listens on every
interface by default); anything else is passed to ``ray.init(address=...)`` (``auto``,
``HOST:6379`` or ``ray://HOST:10001``). A cluster this module started is shut down when it returns.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Callable, Iterator, Optional, Sequence

import numpy as np

from .model import MinsearchError


class _EncodeBatch:
    """A Ray Data actor: one model load, then batches of ``{"i", "text"}`` -> ``{"i", "vector"}``."""

    def __init__(self, model_name: str, threads: int = 1) -> None:
        from .encode import TorchEncoder

        self._enc = TorchEncoder(model_name, threads=threads)

    def __call__(self, batch: dict) -> dict:
        texts = [str(t) for t in batch["text"]]
        vectors = self._enc.encode(texts, batch_size=max(1, len(texts)))
        return {"i": np.asarray(batch["i"], dtype=np.int64), "vector": vectors}


def local_init_kwargs(num_cpus: int = 2) -> dict:
    """``ray.init`` arguments for a private local cluster on the loopback interface only."""
    return dict(
        num_cpus=num_cpus,
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        log_to_driver=False,
        configure_logging=False,
        ignore_reinit_error=True,
    )


@contextmanager
def _loopback_node() -> Iterator[None]:
    """Make Ray take 127.0.0.1 as this node's address while a local cluster starts.

    ``ray.init(_node_ip_address="127.0.0.1")`` alone is not enough: Ray "resolves" a loopback
    address to the machine's routable one. With ``ENABLE_RAY_CLUSTER`` off (the
    ``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` switch, read by the processes it starts too) the
    node address, the GCS address and the agents' HTTP/gRPC servers are all 127.0.0.1.
    """
    from ray._private import ray_constants

    old_env = os.environ.get(ray_constants.ENABLE_RAY_CLUSTERS_ENV_VAR)
    old_flag = ray_constants.ENABLE_RAY_CLUSTER
    os.environ[ray_constants.ENABLE_RAY_CLUSTERS_ENV_VAR] = "0"
    ray_constants.ENABLE_RAY_CLUSTER = False
    try:
        yield
    finally:
        ray_constants.ENABLE_RAY_CLUSTER = old_flag
        if old_env is None:
            os.environ.pop(ray_constants.ENABLE_RAY_CLUSTERS_ENV_VAR, None)
        else:
            os.environ[ray_constants.ENABLE_RAY_CLUSTERS_ENV_VAR] = old_env


LOCAL_START_ATTEMPTS = 2  # see _start


def _start(address: Optional[str], num_cpus: int):
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no network here, and no telemetry wanted
    os.environ.setdefault("RAY_DATA_DISABLE_PROGRESS_BARS", "1")
    try:
        import ray
    except ImportError as e:
        raise MinsearchError("Ray is not installed (pip install 'ray[data]')", param="ray") from e
    if ray.is_initialized():
        return ray, False
    # A local cluster is started again once if it does not come up: in 2 of 3 clean-clone test
    # runs on a 2-core machine its raylet never registered within Ray's 30 s (it wrote no log at
    # all), while the same start took 3 s alone. A cluster at an address is the operator's.
    failed: Optional[Exception] = None
    for _attempt in range(1 if address else LOCAL_START_ATTEMPTS):
        try:
            if address:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
            else:
                with _loopback_node():
                    ray.init(**local_init_kwargs(num_cpus))
            return ray, True
        except Exception as e:  # noqa: BLE001 - Ray raises a bare Exception when its node times out
            failed = e
            ray.shutdown()  # what the failed start left running
    where = address or "a local cluster"
    raise MinsearchError(
        f"{{ray}} {address or ''}: cannot start or reach {where} ({failed})".replace(" :", ":"), mentions=("ray",)
    ) from failed


def ray_encode(
    texts: Sequence[str],
    model_name: str,
    address: Optional[str] = None,
    progress: Optional[Callable[[int], None]] = None,
    num_actors: Optional[int] = None,
    batch_size: int = 64,
    *,
    local_cpus: int = 2,
    threads_per_actor: int = 1,
) -> np.ndarray:
    """Normalised float32 vectors, one row per text in input order, computed on a Ray cluster.

    ``num_actors`` defaults to the cluster's CPUs / ``threads_per_actor``; ``progress(n)`` is
    called as each batch of ``n`` texts comes back.
    """
    from .encode import model_spec

    dim = model_spec(model_name).dim
    if len(texts) == 0:
        return np.zeros((0, dim), dtype=np.float32)
    ray, started = _start(address, local_cpus)
    try:
        import ray.data

        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        cpus = int(ray.cluster_resources().get("CPU", 1))
        actors = num_actors or max(1, cpus // max(1, threads_per_actor))
        # Batches are cut in input order; sort-by-length happens inside each batch (TorchEncoder).
        batches = -(-len(texts) // batch_size)
        ds = ray.data.from_items(
            [{"i": i, "text": t} for i, t in enumerate(texts)], override_num_blocks=max(1, min(batches, 200))
        )
        out_ds = ds.map_batches(
            _EncodeBatch,
            fn_constructor_args=(model_name, threads_per_actor),
            batch_size=batch_size,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=threads_per_actor,
        )
        out = np.zeros((len(texts), dim), dtype=np.float32)
        seen = 0
        for batch in out_ds.iter_batches(batch_size=None, batch_format="numpy"):
            idx = batch["i"]
            out[idx] = np.asarray(batch["vector"], dtype=np.float32)
            seen += len(idx)
            if progress:
                progress(len(idx))
        if seen != len(texts):
            raise MinsearchError(f"{seen} vectors came back for {len(texts)} texts", param="ray")
        return out
    finally:
        if started:
            ray.shutdown()
