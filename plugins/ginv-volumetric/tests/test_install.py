"""`pip install` of the plugin adds its groups to `ginv groups list`; `pip uninstall` removes them.

Done for real in a throwaway virtual environment that sees the running
environment's packages (torch, escnn, ginv-lightning, pip) through a ``.pth``
file, so nothing is installed into, or removed from, the running environment.
"""

from __future__ import annotations

import site
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import plugin_source

GROUPS = {"octahedral": "24", "full_octahedral": "48"}


def throwaway_venv(root: Path) -> Path:
    """A venv whose site-packages also reads this environment's (its .pth files included)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    python = root / "bin" / "python"
    own = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    lines = [f"import site; site.addsitedir({path!r})" for path in site.getsitepackages()]
    (Path(own) / "outer-environment.pth").write_text("\n".join(lines) + "\n")
    return python


def listed_groups(python: Path, cwd: Path) -> dict[str, str]:
    """``ginv groups list`` in that environment: each group's order and distribution."""
    result = subprocess.run(
        [str(python), "-m", "ginv_lightning.cli", "groups", "list"],
        capture_output=True, text=True, cwd=cwd, check=True,
    )  # fmt: skip
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    return {row[0]: " ".join([row[1], *row[-3:-1]]) for row in rows}  # order, distribution, version


@pytest.mark.slow
def test_pip_install_adds_the_groups_and_pip_uninstall_removes_them(tmp_path):
    python = throwaway_venv(tmp_path / "venv")
    before = listed_groups(python, tmp_path)
    assert "C<n>" in before
    if set(GROUPS) & set(before):
        pytest.skip("ginv-volumetric is installed in the running environment (or on "
                    "PYTHONPATH), so no environment made from it lacks the plugin")  # fmt: skip

    pip = [str(python), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "--no-deps", "--no-index",
                    "--no-build-isolation", str(plugin_source(tmp_path))],
                   check=True, cwd=tmp_path)  # fmt: skip
    installed = listed_groups(python, tmp_path)
    for name, order in GROUPS.items():
        assert installed[name] == f"{order} ginv-volumetric 0.1.0"

    subprocess.run([*pip, "uninstall", "--yes", "--quiet", "ginv-volumetric"], check=True)
    assert listed_groups(python, tmp_path) == before
