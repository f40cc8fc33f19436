"""Classes named by dotted paths: found, not found, and found but broken."""

from __future__ import annotations

import pytest

from ginv_lightning.class_paths import import_class
from ginv_lightning.data.targets import GaussianMixture, TargetLaw


def test_a_path_gives_its_class_only_if_it_is_the_kind_asked_for():
    assert import_class("ginv_lightning.data.targets.GaussianMixture", TargetLaw) is GaussianMixture
    assert import_class("ginv_lightning.data.targets.GaussianMixture", int) is None
    assert import_class("ginv_lightning.data.targets.Nothing", TargetLaw) is None
    assert import_class("not_a_package.Law", TargetLaw) is None
    assert import_class("ginv_lightning.not_a_module.Law", TargetLaw) is None
    assert import_class("Law", TargetLaw) is None


def test_a_module_that_exists_but_misses_a_dependency_says_so(tmp_path, monkeypatch):
    (tmp_path / "half_installed_plugin.py").write_text("import a_dependency_never_installed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ImportError, match="half_installed_plugin is installed but cannot be "
                       "imported: No module named 'a_dependency_never_installed'"):  # fmt: skip
        import_class("half_installed_plugin.Law", TargetLaw)
