"""Classes named by dotted paths: found, not found, and found but broken."""

from __future__ import annotations

import pytest

from ginv_lightning.class_paths import import_class
from ginv_lightning.data.targets import GaussianMixture, TargetLaw
from ginv_lightning.errors import ConfigError


def find(path: str, base: type = TargetLaw) -> type:
    return import_class(path, base, "target.class_path", "names no TargetLaw")


def test_a_path_gives_its_class_only_if_it_is_the_kind_asked_for():
    assert find("ginv_lightning.data.targets.GaussianMixture") is GaussianMixture
    for path, base in [
        ("ginv_lightning.data.targets.GaussianMixture", int),
        ("ginv_lightning.data.targets.Nothing", TargetLaw),
        ("not_a_package.Law", TargetLaw),
        ("ginv_lightning.not_a_module.Law", TargetLaw),
        ("Law", TargetLaw),
    ]:
        with pytest.raises(ConfigError) as caught:
            find(path, base)
        assert str(caught.value) == f"target.class_path: {path!r} names no TargetLaw"


def test_a_module_that_exists_but_misses_a_dependency_says_so(tmp_path, monkeypatch):
    (tmp_path / "half_installed_plugin.py").write_text("import a_dependency_never_installed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ConfigError) as caught:
        find("half_installed_plugin.Law")
    assert str(caught.value) == (
        "target.class_path: half_installed_plugin is installed but cannot be imported: "
        "No module named 'a_dependency_never_installed'"
    )
