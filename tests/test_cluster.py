"""The robustness replicates on a Dask cluster: the same numbers, and clear refusals."""

from __future__ import annotations

import socket
import subprocess
import sys

import pandas as pd
import pytest

from survivors_perspectives.analyses import cluster, robustness
from survivors_perspectives.analyses.cross_country import run_for_robustness
from survivors_perspectives.build import derive
from survivors_perspectives.published.significance_tests import PUBLISHED_TESTS


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_default_workers_are_this_machines_cores():
    import os

    assert cluster.default_workers() == len(os.sched_getaffinity(0))


def test_unreachable_scheduler_is_one_line_naming_what_to_do():
    pytest.importorskip("dask.distributed")
    address = f"tcp://127.0.0.1:{_free_port()}"
    with pytest.raises(cluster.ClusterError) as caught:
        cluster.check(address)
    assert str(caught.value) == (
        f"Dask scheduler {address} cannot be reached (Connection refused); start one there "
        "with `dask scheduler`, use DASK_SCHEDULER=local, or leave it unset to run on this "
        "machine"
    )


def test_a_scheduler_without_dask_installed_says_which_extra_to_install(monkeypatch):
    """Without the cluster extra (the test extra alone, as at its lowest versions), a
    scheduler address is refused in one line naming the install command."""
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(cluster.ClusterError) as caught:
        cluster.check("tcp://127.0.0.1:8786")
    assert str(caught.value) == (
        "Dask scheduler 'tcp://127.0.0.1:8786' given but dask.distributed is not installed; "
        "run `.venv/bin/pip install -e '.[cluster]'`, or leave DASK_SCHEDULER unset"
    )


@pytest.mark.parametrize("address", ["host:8786", "http://host:8786", "tcp://host"])
def test_malformed_scheduler_address_is_refused(address):
    with pytest.raises(cluster.ClusterError, match="expected an address such as tcp://host:8786"):
        cluster.check(address)


def test_derive_with_an_unreachable_scheduler_exits_2_with_one_line_and_no_traceback(tmp_path):
    pytest.importorskip("dask.distributed")
    address = f"tcp://127.0.0.1:{_free_port()}"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "survivors_perspectives.build.derive",
            "--seeds",
            "3",
            "--out",
            str(tmp_path),
            "--dask-scheduler",
            address,
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"derive: Dask scheduler {address} cannot be reached (Connection refused); start one "
        "there with `dask scheduler`, use DASK_SCHEDULER=local, or leave it unset to run on "
        "this machine"
    ]
    assert list(tmp_path.iterdir()) == []  # stopped before any work


def test_the_makefile_hands_the_scheduler_and_workers_over_in_the_environment():
    from survivors_perspectives import paths

    lines = (paths.ROOT / "Makefile").read_text().splitlines()
    assert "export DASK_SCHEDULER" in lines and "export DERIVE_WORKERS" in lines


@pytest.mark.parametrize("workers", ["0", "two", "2; rm -rf /"])
def test_derive_refuses_a_bad_worker_count_in_one_line(workers, tmp_path):
    import os

    result = subprocess.run(
        [sys.executable, "-m", "survivors_perspectives.build.derive", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "DERIVE_WORKERS": workers},
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "derive: worker processes (--jobs, DERIVE_WORKERS) must be a whole number of 1 or "
        f"more, found {workers!r}"
    ]


@pytest.mark.slow
def test_replicates_are_identical_on_a_local_dask_cluster_and_here():
    pytest.importorskip("dask.distributed")
    seeds = robustness.seeds_for(3)
    here = robustness.run_replicates(
        seeds,
        derive.generate_survey,
        PUBLISHED_TESTS,
        run_for_robustness,
        n_jobs=1,
        progress=False,
    )
    on_dask = robustness.run_replicates(
        seeds,
        derive.generate_survey,
        PUBLISHED_TESTS,
        run_for_robustness,
        n_jobs=2,
        progress=False,
        scheduler="local",
    )
    assert len(here) == 3 * len(PUBLISHED_TESTS)
    pd.testing.assert_frame_equal(here, on_dask, check_exact=True)
