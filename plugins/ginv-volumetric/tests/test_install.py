"""`pip install` of the plugin adds its groups to `ginv groups list`; `pip uninstall` removes them.

Done for real in a throwaway virtual environment that sees the running
environment's packages (torch, escnn, ginv-lightning, pip) through a ``.pth``
file, so nothing is installed into, or removed from, the running environment.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ginv_lightning.plugin_testing import listed_groups, pip, source_copy, throwaway_venv

PLUGIN = Path(__file__).resolve().parents[1]

GROUPS = {"octahedral": "24", "full_octahedral": "48"}


@pytest.mark.slow
def test_pip_install_adds_the_groups_and_pip_uninstall_removes_them(tmp_path):
    python = throwaway_venv(tmp_path / "venv")
    before = listed_groups(python, tmp_path)
    assert "C<n>" in before
    if set(GROUPS) & set(before):
        pytest.skip("ginv-volumetric is installed in the running environment (or on "
                    "PYTHONPATH), so no environment made from it lacks the plugin")  # fmt: skip

    pip(python, "install", str(source_copy(PLUGIN, tmp_path)), cwd=tmp_path)
    installed = listed_groups(python, tmp_path)
    for name, order in GROUPS.items():
        assert installed[name] == f"{order} ginv-volumetric 0.1.0"

    pip(python, "uninstall", "--yes", "ginv-volumetric", cwd=tmp_path)
    assert listed_groups(python, tmp_path) == before
