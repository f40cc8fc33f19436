"""`pip install` of the plugin adds S<k> and CxS to `ginv groups list`; uninstalling removes them.

Done for real in a throwaway virtual environment that sees the running
environment's packages (torch, ginv-lightning, pip) through a ``.pth`` file,
so nothing is installed into, or removed from, the running environment.
"""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parents[1]


def listed(python: Path, cwd: Path) -> dict[str, str]:
    """``ginv groups list`` there: each group's order, distribution and version."""
    result = subprocess.run(
        [str(python), "-m", "ginv_lightning.cli", "groups", "list"],
        capture_output=True, text=True, cwd=cwd, check=True,
    )  # fmt: skip
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    return {row[0]: " ".join([row[1], *row[-3:-1]]) for row in rows}


@pytest.mark.slow
def test_pip_install_adds_the_groups_and_pip_uninstall_removes_them(tmp_path):
    root = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    python = root / "bin" / "python"
    own = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    lines = [f"import site; site.addsitedir({path!r})" for path in site.getsitepackages()]
    (Path(own) / "outer-environment.pth").write_text("\n".join(lines) + "\n")
    before = listed(python, tmp_path)
    if "S<k>" in before:
        pytest.skip("ginv-sets is installed in the running environment")

    source = tmp_path / "ginv-sets"
    shutil.copytree(PLUGIN, source, ignore=shutil.ignore_patterns("tests", "build", "*.egg-info"))
    pip = [str(python), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "--no-deps", "--no-index",
                    "--no-build-isolation", str(source)], check=True, cwd=tmp_path)  # fmt: skip
    installed = listed(python, tmp_path)
    assert installed["S<k>"] == "k! ginv-sets 0.1.0"
    assert installed["CxS"] == "n*k! ginv-sets 0.1.0"

    subprocess.run([*pip, "uninstall", "--yes", "--quiet", "ginv-sets"], check=True)
    assert listed(python, tmp_path) == before
