"""A wheel of ginv-lightning, installed non-editable into a fresh venv, works outside the repo.

The wheel is built from a copy of the source (the checkout gets no build files)
and installed with pip into a new virtual environment; its dependencies (torch,
escnn, ...) come from the running environment through a folder of links that
leaves out the editable ginv-lightning, so nothing of the repository is on the
new environment's path and nothing is downloaded. Every command then runs from
an empty folder outside the repository, as a user's would.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

from ginv_lightning.experiment import experiment_from_config
from tests.conftest import REPO
from tests.escnn_accounting import expected_parameters

OWN = ("ginv_lightning", "ginv-lightning", "__editable__", "_ginv_lightning")
NOT_SHIPPED = {".git", ".venv", "runs", "build", "dist", "tests", "plugins", "docs", "wandb"}


def _not_copied(folder: str, names: list[str]) -> set[str]:
    top = Path(folder) == REPO
    return {n for n in names if (top and n in NOT_SHIPPED) or n == "__pycache__"
            or n.endswith(".egg-info")}  # fmt: skip


def build_wheel(scratch: Path) -> Path:
    source = scratch / "source"
    shutil.copytree(REPO, source, ignore=_not_copied)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
         "--no-build-isolation", "--wheel-dir", str(scratch / "dist"), str(source)],
        check=True,
    )  # fmt: skip
    return next((scratch / "dist").glob("ginv_lightning-*.whl"))


def fresh_venv(root: Path) -> Path:
    """A new venv that sees this environment's packages except ginv-lightning itself."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    python = root / "bin" / "python"
    own_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    borrowed = root / "borrowed"
    borrowed.mkdir()
    for folder in map(Path, site.getsitepackages()):
        for entry in folder.iterdir():
            if not entry.name.startswith(OWN) and not (borrowed / entry.name).exists():
                (borrowed / entry.name).symlink_to(entry)
    (Path(own_site) / "borrowed.pth").write_text(
        f"import site; site.addsitedir({str(borrowed)!r})\n"
    )
    return python


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The ``bin`` folder of a fresh venv with the wheel installed by pip (deps checked)."""
    scratch = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(scratch)
    python = fresh_venv(scratch / "venv")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-index", "--no-build-isolation",
         "--disable-pip-version-check", str(wheel)],
        check=True,
    )  # fmt: skip
    return python.parent


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["WANDB_MODE"] = "offline"
    return subprocess.run(
        [str(bin_dir / args[0]), *args[1:]], capture_output=True, text=True, cwd=cwd, env=env,
        timeout=900,
    )  # fmt: skip


@pytest.mark.slow
def test_the_installed_wheel_runs_every_command_from_another_folder(installed, tmp_path):
    where = "import ginv_lightning; print(ginv_lightning.__file__)"
    located = run(installed, "python", "-c", where, cwd=tmp_path)
    assert str(installed.parent) in located.stdout and str(REPO) not in located.stdout

    groups = run(installed, "ginv", "groups", "list", cwd=tmp_path)
    assert groups.returncode == 0 and "C<n>" in groups.stdout and "ginv-lightning" in groups.stdout

    listed = run(installed, "ginv", "configs", "list", cwd=tmp_path)
    assert all(p.stem in listed.stdout for p in (REPO / "configs").glob("*.yaml"))

    fit = run(installed, "ginv", "fit", "--config", "rotdigits_c4", "--trainer.max_steps", "6",
              "--trainer.enable_progress_bar", "false", "--trainer.check_val_every_n_epoch", "1",
              "--trainer.limit_val_batches", "1", "--data.init_args.num_train", "128",
              "--metrics.num_samples", "100", "--metrics.kid_subset_size", "20",
              "--metrics.cache_dir", "", cwd=tmp_path)  # fmt: skip
    assert fit.returncode == 0, fit.stderr[-3000:]
    checkpoint = tmp_path / "runs" / "rotdigits_c4" / "version_0" / "checkpoints" / "last.ckpt"
    assert checkpoint.is_file()

    sample = run(installed, "ginv", "sample", "--ckpt", str(checkpoint), "--n", "16",
                 "--out", "grid.png", cwd=tmp_path)  # fmt: skip
    assert sample.returncode == 0 and (tmp_path / "grid.png").stat().st_size > 0

    params = run(installed, "ginv", "params", "rotdigits_c4", cwd=tmp_path)
    model = experiment_from_config("rotdigits_c4").model  # the source tree's, counted by escnn
    counts = [expected_parameters(n) for n in (model.generator, model.discriminator)]
    assert params.returncode == 0 and all(str(c) in params.stdout.split() for c in counts)

    bench = run(installed, "ginv", "bench", "--config", "rotdigits_c4", "--rounds", "1",
                "--batches", "2", "--skip-fit", "--out", "bench", cwd=tmp_path)  # fmt: skip
    assert bench.returncode == 0, bench.stderr[-3000:]
    assert "training steps, round 1/1: plain CNN, params matched" in bench.stderr  # progress
    assert "training step (s/batch)  equivariant C4" in bench.stdout
    report = json.loads((tmp_path / "bench" / "bench.json").read_text())
    assert report["machine"]["threads"] >= 1
    assert ("sampling (images/s)", "equivariant, exported") in {
        (row["measure"], row["case"]) for row in report["rows"]}  # fmt: skip
    steps = {r["case"]: r for r in report["rows"] if r["measure"] == "training step (s/batch)"}
    reference = steps["plain CNN, same shapes"]["median"]
    for row in steps.values():  # every ratio is against the same-shape CNN's median
        assert row["ratio"] == pytest.approx(row["median"] / reference)
        assert row.get("peak_mb", 0) >= 0 and row["low"] <= row["median"] <= row["high"]
    assert steps["equivariant C4"]["params_g"] == counts[0]  # the main job's own networks
    assert "speed-up of equivariant C4, R1 every step over equivariant C4:" in bench.stdout
    assert (tmp_path / "bench" / "bench.csv").read_text().startswith("measure,case,median")

    modules = {m.relative_to(REPO).as_posix() for m in (REPO / "ginv_lightning").rglob("*.py")}
    modules |= {f"ginv_lightning/configs/{m.name}" for m in (REPO / "configs").glob("*.py")}
    shipped = installed.parent / "lib"
    wheel = {m.relative_to(next(shipped.glob("python*/site-packages"))).as_posix()
             for m in shipped.glob("python*/site-packages/ginv_lightning/**/*.py")}  # fmt: skip
    assert modules == wheel  # every module ships: a folder without __init__.py would not

    study = tmp_path / "study.yaml"
    study.write_text(
        "target: {name: gaussian_mixture, k: 4}\n"
        "grid: {n: [4], groups: [C2], models: [empirical], seeds: [0]}\n"
        "evaluation: {floor_repeats: 2, bootstrap: 100}\n"
    )
    studied = run(installed, "ginv", "study", "--config", str(study), "--out", "study",
                  cwd=tmp_path)  # fmt: skip
    assert studied.returncode == 0, studied.stderr[-3000:]
    assert "| empirical | C2 |" in studied.stdout and (tmp_path / "study" / "results.csv").exists()
