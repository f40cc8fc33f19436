"""Checkpoint provenance with real installs: record a group, uninstall or replace its plugin, check.

Each test ``pip install``s copies of the fixture plugins into its own directory
on ``sys.path``; deleting that directory is the uninstall.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

from ginv_lightning.symmetry import (
    DuplicateGroupError,
    GroupOriginError,
    GroupRegistry,
    GroupVersionWarning,
    UnknownGroupError,
    check_group_record,
    group_record,
)
from tests.conftest import FIXTURE_PLUGINS

Install = Callable[..., Path]


@pytest.fixture
def install(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Install]:
    """``install("ginv-test-extra", version="2.0")``: a new site on sys.path holding copies."""

    def run(*fixtures: str, version: str | None = None) -> Path:
        root = tmp_path_factory.mktemp("install")
        for name in fixtures:
            shutil.copytree(FIXTURE_PLUGINS / name, root / "src" / name)
            if version is not None:
                pyproject = root / "src" / name / "pyproject.toml"
                text = pyproject.read_text()
                old = next(line for line in text.splitlines() if line.startswith("version = "))
                pyproject.write_text(text.replace(old, f'version = "{version}"'))
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
             "--no-build-isolation", "--target", str(root / "site"),
             *(str(root / "src" / name) for name in fixtures)],
            check=True,
        )  # fmt: skip
        monkeypatch.syspath_prepend(str(root / "site"))
        return root / "site"

    yield run
    for module in [m for m in sys.modules if m.startswith("ginv_test_")]:
        del sys.modules[module]


def uninstall(site: Path) -> None:
    shutil.rmtree(site)
    importlib.invalidate_caches()


def registry() -> GroupRegistry:
    """The groups installed right now (``default_registry`` is read once per process)."""
    importlib.invalidate_caches()
    return GroupRegistry()


def test_a_record_is_the_spec_its_distribution_and_version():
    assert group_record(" C4 ") == {
        "spec": "C4",
        "distribution": "ginv-lightning",
        "version": version("ginv-lightning"),
    }
    record = group_record({"name": "SO2", "bandwidth": 6})
    assert record["spec"] == {"name": "SO2", "bandwidth": 6}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_group_record(record)


def test_a_record_survives_a_weights_only_checkpoint(tmp_path):
    import torch

    record = group_record({"name": "SO2", "bandwidth": 6})
    torch.save({"group": record}, tmp_path / "c.ckpt")
    assert torch.load(tmp_path / "c.ckpt", weights_only=True)["group"] == record


def test_a_missing_plugin_says_what_to_install(install):
    site = install("ginv-test-extra")
    records = [group_record(spec, registry()) for spec in ("Hex", "Rot4")]
    assert records[1] == {"spec": "Rot4", "distribution": "ginv-test-extra", "version": "1.2.3"}
    for record in records:
        check_group_record(record, registry())
    uninstall(site)
    for record in records:
        with pytest.raises(UnknownGroupError) as info:
            check_group_record(record, registry())
        assert str(info.value) == (
            f"group {record['spec']!r} was provided by ginv-test-extra 1.2.3, which is not "
            "installed: pip install ginv-test-extra==1.2.3"
        )


def test_another_version_of_the_plugin_is_a_warning(install):
    site = install("ginv-test-extra")
    record = group_record("Hex", registry())
    uninstall(site)
    install("ginv-test-extra", version="1.3.0")
    with pytest.warns(GroupVersionWarning, match=r"saved with ginv-test-extra 1\.2\.3 .* 1\.3\.0"):
        check_group_record(record, registry())


def test_a_name_now_provided_by_another_distribution_is_an_error(install):
    site = install("ginv-test-extra")
    twin, c4 = group_record("Twin", registry()), group_record("C4", registry())
    uninstall(site)
    install("ginv-test-twin", "ginv-test-impostor")
    with pytest.raises(GroupOriginError) as info:
        check_group_record(twin, registry())
    assert "provided by ginv-test-extra 1.2.3 but now comes from ginv-test-twin 0.0.1" in str(
        info.value
    )
    assert "pip install ginv-test-extra==1.2.3" in str(info.value)
    with pytest.raises(DuplicateGroupError, match=r"ginv-test-impostor 0\.1\.0 registers 'C4'"):
        check_group_record(c4, registry())
