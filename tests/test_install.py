"""Honest requirements: the Python and make checks, the wheelhouse and its refusals."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from survivors_perspectives import paths
from survivors_perspectives.build import install

ROOT = paths.ROOT
INSTALL = ROOT / "src" / "survivors_perspectives" / "build" / "install.py"
LOCK = ROOT / "requirements.lock"
FLOOR = "3.11.2"


def _make(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


# --- Python ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "found"),
    [((3, 10, 13), "3.10.13"), ((3, 11, 1), "3.11.1"), ((3, 12, 1), "3.12.1")],
)
def test_python_outside_the_supported_series_is_refused_in_one_line(version, found):
    message = install.check_python(version, "/opt/python/bin/python3")
    assert message == (
        f"Python {found} found at /opt/python/bin/python3; needed: CPython 3.11 (3.11.2 or "
        "later), the series requirements.lock is resolved for; run "
        "`make venv PYTHON=/path/to/python3.11`"
    )


@pytest.mark.parametrize("version", [(3, 11, 2), (3, 11, 7), (3, 11, 15)])
def test_supported_pythons_pass(version):
    assert install.check_python(version, "python3") is None


def test_the_makefile_refuses_a_missing_python_before_creating_anything(tmp_path):
    result = _make("venv", f"VENV={tmp_path}/venv", "PYTHON=python3.99")
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == (
        "error: python3.99 not found; needed: CPython 3.11 (3.11.2 or later); run "
        "`make venv PYTHON=/path/to/python3.11`"
    )
    assert not (tmp_path / "venv").exists()


@pytest.mark.skipif(
    not Path("/root/.pyenv/versions/3.10.13/bin/python").is_file(), reason="no Python 3.10 here"
)
def test_the_makefile_refuses_a_wrong_python_in_one_line(tmp_path):
    python = "/root/.pyenv/versions/3.10.13/bin/python"
    result = _make("venv", f"VENV={tmp_path}/venv", f"PYTHON={python}")
    assert result.returncode != 0
    assert result.stderr.splitlines()[0].startswith(
        f"error: Python 3.10.13 found at {python}; needed: CPython 3.11 (3.11.2 or later)"
    )
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "venv").exists()


def test_an_old_make_is_stopped_before_it_reads_a_grouped_target():
    # make 3.81 lacks the grouped-target feature; pretend to be it.
    result = _make(".FEATURES=target-specific order-only second-expansion", "MAKE_VERSION=3.81")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert (
        "GNU make 3.81 found; needed: GNU make 4.3 or newer; install it (macOS: "
        "`brew install make`, then run `gmake`)" in lines[0]
    )


# --- What the lock and pyproject promise -------------------------------------------------------


def test_every_installed_locked_package_admits_the_floor_python():
    # Debian 12's own python3 is 3.11.2: no pin may need a newer 3.11 (soupsieve 4.1.3 did).
    pins = install.locked_pins(LOCK)
    too_new = []
    for name, version in pins.items():
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        assert canonicalize_name(dist.metadata["Name"]) == name
        assert dist.version == version, f"{name}: installed {dist.version}, locked {version}"
        requires = dist.metadata.get("Requires-Python")
        if requires and not SpecifierSet(requires).contains(FLOOR):
            too_new.append(f"{name}=={version} needs Python {requires}")
    assert too_new == []


def test_pyproject_promises_the_floor_and_pins_the_backend():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["requires-python"] == f">={FLOOR}"
    backend = pyproject["build-system"]["requires"]
    assert [Requirement(r).specifier.__str__().startswith("==") for r in backend] == [True]
    assert tuple(backend) == install.BUILD_REQUIREMENTS


def test_every_imported_distribution_is_declared():
    import ast

    declared = {
        canonicalize_name(Requirement(spec).name)
        for spec in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    optional = {"dask", "distributed"}  # imported only with the `cluster` extra
    providers = metadata.packages_distributions()
    undeclared = set()
    for path in (ROOT / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "survivors_perspectives":
                    continue
                for dist in providers.get(top, [top]):
                    if canonicalize_name(dist) not in declared | optional:
                        undeclared.add(f"{top} ({dist}) in {path.name}")
    assert undeclared == set()


def test_statsmodels_and_frictionless_are_not_runtime_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    assert "statsmodels" not in runtime
    assert "statsmodels" not in install.locked_pins(LOCK)
    assert "frictionless" not in runtime
    test_extra = {
        canonicalize_name(Requirement(r).name) for r in project["optional-dependencies"]["test"]
    }
    assert "frictionless" in test_extra
    cluster = {
        canonicalize_name(Requirement(r).name) for r in project["optional-dependencies"]["cluster"]
    }
    assert cluster == {"dask", "distributed"}


# --- The wheelhouse ----------------------------------------------------------------------------


def _fake_wheelhouse(
    folder: Path, lock: Path, *, platform_tag="manylinux_2_17_x86_64", python="3.11", skip=()
) -> Path:
    folder.mkdir()
    for name, version in install.locked_pins(lock).items():
        if name not in skip:
            (folder / f"{name.replace('-', '_')}-{version}-py3-none-any.whl").write_bytes(b"")
    manifest = {
        "platform": platform_tag,
        "python": python,
        "implementation": "cp",
        "lock_sha256": install.sha256(lock),
        "wheels": 0,
    }
    (folder / install.MANIFEST).write_text(json.dumps(manifest))
    return folder


@pytest.fixture
def small_lock(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("numpy==2.4.6\n    # via pandas\npandas==3.1.1\nsix==1.17.0\n")
    return lock


def _here_ok():
    return sys.platform == "linux" and os.uname().machine == "x86_64"


@pytest.mark.skipif(not _here_ok(), reason="the checks below are written for x86_64 Linux")
def test_a_complete_wheelhouse_for_this_machine_passes(tmp_path, small_lock):
    folder = _fake_wheelhouse(tmp_path / "wh", small_lock)
    assert install.check_wheelhouse(folder, small_lock, (3, 11, 2)) is None


def test_a_wheelhouse_missing_a_package_names_it(tmp_path, small_lock):
    folder = _fake_wheelhouse(tmp_path / "wh", small_lock, skip=("pandas",))
    if not _here_ok():
        pytest.skip("platform check comes first off x86_64 Linux")
    assert install.check_wheelhouse(folder, small_lock, (3, 11, 2)) == (
        f"wheelhouse {folder}: missing pandas==3.1.1 (needed by requirements.lock); gather it "
        f"again: `make wheelhouse WHEELHOUSE={folder}` on a connected machine"
    )


def test_a_wheelhouse_for_another_platform_is_refused(tmp_path, small_lock):
    folder = _fake_wheelhouse(tmp_path / "wh", small_lock, platform_tag="macosx_11_0_arm64")
    message = install.check_wheelhouse(folder, small_lock, (3, 11, 2))
    assert message.startswith(f"wheelhouse {folder}: gathered for platform macosx_11_0_arm64 but ")
    assert message.endswith("gather it with `make wheelhouse WHEEL_PLATFORM=<this machine's tag>`")


def test_a_wheelhouse_for_another_architecture_is_refused(tmp_path, small_lock):
    if not _here_ok():
        pytest.skip("written for x86_64 Linux")
    folder = _fake_wheelhouse(tmp_path / "wh", small_lock, platform_tag="manylinux_2_17_aarch64")
    assert install.check_wheelhouse(folder, small_lock, (3, 11, 2)) == (
        f"wheelhouse {folder}: gathered for platform manylinux_2_17_aarch64 but this machine is "
        "x86_64, the wheels are for aarch64; gather it with `make wheelhouse "
        "WHEEL_PLATFORM=<this machine's tag>`"
    )


def test_a_wheelhouse_for_another_python_is_refused(tmp_path, small_lock):
    if not _here_ok():
        pytest.skip("written for x86_64 Linux")
    folder = _fake_wheelhouse(tmp_path / "wh", small_lock, python="3.12")
    assert install.check_wheelhouse(folder, small_lock, (3, 11, 2)) == (
        f"wheelhouse {folder}: gathered for Python 3.12, this Python is 3.11; gather it with "
        "`make wheelhouse WHEEL_PYTHON=3.11`"
    )


def test_a_wheelhouse_from_another_lock_is_refused(tmp_path, small_lock):
    if not _here_ok():
        pytest.skip("written for x86_64 Linux")
    folder = _fake_wheelhouse(tmp_path / "wh", small_lock)
    small_lock.write_text(small_lock.read_text() + "tqdm==4.70.1\n")
    assert install.check_wheelhouse(folder, small_lock, (3, 11, 2)).startswith(
        f"wheelhouse {folder}: gathered from another requirements.lock; gather it again"
    )


def test_a_folder_that_is_no_wheelhouse_is_refused(tmp_path, small_lock):
    (tmp_path / "empty").mkdir()
    assert install.check_wheelhouse(tmp_path / "empty", small_lock).startswith(
        f"wheelhouse {tmp_path / 'empty'}: no wheelhouse.json found (not a gathered wheelhouse)"
    )


def test_the_check_runs_with_the_bare_python_and_prints_one_line(tmp_path, small_lock):
    folder = _fake_wheelhouse(tmp_path / "wh", small_lock, platform_tag="win_amd64")
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            str(INSTALL),
            "check-wheelhouse",
            str(folder),
            "--lock",
            str(small_lock),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"error: wheelhouse {folder}: gathered for platform win_amd64")


def test_make_venv_from_a_wheelhouse_missing_a_package_stops_before_pip(tmp_path):
    if not _here_ok():
        pytest.skip("written for x86_64 Linux")
    folder = _fake_wheelhouse(tmp_path / "wh", LOCK, skip=("pandas",))
    result = _make("venv", f"VENV={tmp_path}/venv", f"WHEELHOUSE={folder}")
    assert result.returncode != 0
    assert result.stderr.splitlines()[0].startswith(f"error: wheelhouse {folder}: missing pandas==")
    assert not (tmp_path / "venv").exists()


def test_compatible_platforms_take_in_older_manylinux_tags():
    tags = install.compatible_platforms("manylinux_2_28_x86_64")
    assert tags[0] == "manylinux_2_28_x86_64"
    assert {"manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux1_x86_64"} <= set(tags)
    assert install.compatible_platforms("macosx_11_0_arm64") == ["macosx_11_0_arm64"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("unshare") is None, reason="unshare (util-linux) not installed")
def test_offline_install_and_book_build_from_a_wheelhouse(tmp_path):
    """Gather a wheelhouse, cut the network, install from it alone and build the book.

    Uses Debian 12's own python3 (3.11.2) when present, so the floor is proved too. Slow
    (several minutes): the wheelhouse is downloaded (or taken from pip's cache) first.
    """
    wheelhouse = os.environ.get("SURVIVORS_PERSPECTIVES_TEST_WHEELHOUSE")
    python = "/usr/bin/python3" if Path("/usr/bin/python3.11").is_file() else sys.executable
    if wheelhouse is None:
        wheelhouse = tmp_path / "wheelhouse"
        gathered = _make("wheelhouse", f"WHEELHOUSE={wheelhouse}", f"PYTHON={sys.executable}")
        assert gathered.returncode == 0, gathered.stderr[-2000:]
    probe = subprocess.run(
        ["unshare", "-rn", "sh", "-c", "ip link set lo up && true"],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip(f"no network namespaces here: {probe.stderr.decode().strip()}")
    # The working tree as it is (uncommitted changes too), without build products or git.
    build_products = {
        ".git",
        ".venv",
        "builds",
        "wheelhouse",
        "data/derived",
        "book/_build",
        "book/countries",
        "book/chapters",
        "book/course",
    }

    def ignore(folder, names):
        relative = Path(folder).relative_to(ROOT)
        return [
            n
            for n in names
            if (relative / n).as_posix() in build_products
            or n in ("__pycache__", ".pytest_cache", ".ruff_cache")
        ]

    clone = tmp_path / "clone"
    shutil.copytree(ROOT, clone, ignore=ignore)
    script = (
        "ip link set lo up && "
        f'make venv WHEELHOUSE="{wheelhouse}" PYTHON={python} && '
        "make -j2 book ROBUSTNESS_SEEDS=4"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # no index, no find-links from the machine's config
    result = subprocess.run(
        ["unshare", "-rn", "sh", "-c", script],
        cwd=clone,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert (clone / "book/_build/html/index.html").is_file()
    version = subprocess.run(
        [str(clone / ".venv/bin/python"), "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if python == "/usr/bin/python3":
        assert (
            version
            == subprocess.run(
                [python, "-c", "import sys; print(sys.version.split()[0])"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )


def test_nbstripout_keeps_the_committed_cell_ids():
    import yaml

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert hooks["nbstripout"]["entry"].split() == [".venv/bin/nbstripout", "--keep-id"]


def test_every_direct_dependency_declares_the_floor_the_lowest_direct_run_installs():
    from survivors_perspectives.build import environment

    floors = environment.floors()
    assert set(floors) == set(environment.direct_requirements())
    # The lowest-direct run needed these (Welch's ANOVA in scipy.stats.f_oneway,
    # pandera.pandas, pandas wheels built for numpy 2, Axes.boxplot(orientation=...),
    # frictionless 5.18's own jsonschema floor, nbconvert that works with mistune 3.1): lower
    # floors did not work.
    assert (floors["scipy"], floors["pandera"], floors["pandas"]) == ("1.16", "0.24", "2.2.2")
    assert (floors["matplotlib"], floors["jsonschema"], floors["nbconvert"]) == (
        "3.10",
        "4.20",
        "7.16.5",
    )
