"""Where the robustness replicates run: worker processes here, or a Dask cluster.

A robustness study of thousands of generator seeds outgrows one machine. The replicates are
independent joblib tasks, so joblib's Dask backend sends them to a Dask cluster unchanged:
``DASK_SCHEDULER=tcp://host:8786`` (``make derive``/``make book``, or ``--dask-scheduler``)
connects to a running scheduler, ``local`` starts a cluster of worker processes on this
machine. Each replicate depends only on its seed and the rows are sorted afterwards, so the
numbers are the same wherever they ran. Dask is an optional extra (``pip install
.[cluster]``); without a scheduler nothing of it is imported.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
from collections.abc import Iterator

#: How long to wait for a scheduler before saying it cannot be reached.
CONNECT_TIMEOUT_S = 10
LOCAL = "local"


class ClusterError(RuntimeError):
    """The cluster cannot be used; the message is one line saying what to do."""


def default_workers() -> int:
    """Return the worker processes to use by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _client(scheduler: str, workers: int):
    check(scheduler)
    from dask.distributed import Client, LocalCluster

    if scheduler == LOCAL:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        return Client(cluster), cluster
    try:
        return Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s"), None
    except (OSError, TimeoutError) as error:
        raise ClusterError(
            f"Dask scheduler {scheduler} cannot be reached ({type(error).__name__} after "
            f"{CONNECT_TIMEOUT_S} s); start one there with `dask scheduler`, use "
            f"DASK_SCHEDULER={LOCAL}, or leave it unset to run on this machine"
        ) from None


def check(scheduler: str | None) -> None:
    """Fail early, in one line, when ``scheduler`` cannot be used (before any work starts).

    Checks that Dask is installed, that the address has the ``tcp://host:port`` form and that
    something listens there; the full handshake happens in :func:`joblib_backend`.
    """
    if not scheduler:
        return
    match = re.match(r"^(?:tcp|tls)://\[?(?P<host>[^\]/]+?)\]?:(?P<port>\d+)/?$", scheduler)
    if scheduler != LOCAL and not match:
        raise ClusterError(
            f"Dask scheduler {scheduler!r}: expected an address such as tcp://host:8786, "
            f"or {LOCAL!r}"
        )
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        raise ClusterError(
            f"Dask scheduler {scheduler!r} given but dask.distributed is not installed; "
            "run `.venv/bin/pip install -e '.[cluster]'`, or leave DASK_SCHEDULER unset"
        ) from None
    if scheduler == LOCAL:
        return
    try:
        socket.create_connection((match["host"], int(match["port"])), timeout=5).close()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ClusterError(
            f"Dask scheduler {scheduler} cannot be reached ({reason}); start one there with "
            f"`dask scheduler`, use DASK_SCHEDULER={LOCAL}, or leave it unset to run on this "
            "machine"
        ) from None


@contextlib.contextmanager
def joblib_backend(scheduler: str | None, workers: int) -> Iterator[int]:
    """Run the joblib calls inside on ``scheduler`` (or here when ``None``).

    Yields the ``n_jobs`` to give :class:`joblib.Parallel`: ``workers`` here, ``-1`` (all
    the cluster's workers) on Dask.
    """
    if not scheduler:
        yield workers
        return
    import joblib

    client, cluster = _client(scheduler, workers)
    try:
        with joblib.parallel_config(backend="dask"):
            yield -1
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
