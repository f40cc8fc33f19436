"""`pip install` of the plugin adds S<k> and CxS to `ginv groups list`; uninstalling removes them.

Done for real in a throwaway virtual environment that sees the running
environment's packages (torch, ginv-lightning, pip) through a ``.pth`` file,
so nothing is installed into, or removed from, the running environment.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ginv_lightning.plugin_testing import listed_groups, pip, source_copy, throwaway_venv

PLUGIN = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_pip_install_adds_the_groups_and_pip_uninstall_removes_them(tmp_path):
    python = throwaway_venv(tmp_path / "venv")
    before = listed_groups(python, tmp_path)
    if "S<k>" in before:
        pytest.skip("ginv-sets is installed in the running environment")

    pip(python, "install", str(source_copy(PLUGIN, tmp_path)), cwd=tmp_path)
    installed = listed_groups(python, tmp_path)
    assert installed["S<k>"] == "k! ginv-sets 0.1.0"
    assert installed["CxS"] == "n*k! ginv-sets 0.1.0"

    pip(python, "uninstall", "--yes", "ginv-sets", cwd=tmp_path)
    assert listed_groups(python, tmp_path) == before
