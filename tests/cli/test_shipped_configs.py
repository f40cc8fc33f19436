"""Configs found by name (`ginv fit --config rotdigits_c4`), listed, copied, built and sampled."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from PIL import Image

from ginv_lightning.cli import main
from ginv_lightning.errors import ConfigError
from ginv_lightning.shipped_configs import find_config, shipped_configs
from tests.conftest import REPO, run_ginv


def test_every_config_of_the_repository_is_shipped_by_name():
    assert set(shipped_configs()) == {p.stem for p in (REPO / "configs").glob("*.yaml")}
    found = find_config("rotdigits_c4")
    assert found.read_bytes() == (REPO / "configs" / "rotdigits_c4.yaml").read_bytes()
    assert find_config("rotdigits_c4.yaml") == found


def test_a_path_wins_over_a_shipped_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rotdigits_c4").write_text("model: {}\n")
    assert find_config("rotdigits_c4").resolve() == (tmp_path / "rotdigits_c4").resolve()


def test_unknown_name_suggests_the_closest_shipped_ones():
    with pytest.raises(ConfigError, match=r"did you mean rotdigits_c4") as error:
        find_config("rotdigit_c4")
    assert "ginv configs list" in str(error.value) and "\n" not in str(error.value)


def test_configs_list_describes_each_config(capsys):
    assert main(["configs", "list"]) == 0
    out = capsys.readouterr().out
    assert "rotdigits_c4\n    The main job: a C4-invariant GAN on RotDigits" in out
    assert all(name in out for name in shipped_configs())


def test_configs_copy_writes_an_editable_copy_and_never_overwrites(tmp_path, capsys):
    assert main(["configs", "copy", "rotdigits_cnn", str(tmp_path / "mine")]) == 0
    copied = tmp_path / "mine" / "rotdigits_cnn.yaml"
    assert copied.read_bytes() == find_config("rotdigits_cnn").read_bytes()
    copied.write_text("edited\n")
    assert main(["configs", "copy", "rotdigits_cnn", str(tmp_path / "mine")]) == 2
    err = capsys.readouterr().err
    assert "exists; pass --force" in err and copied.read_text() == "edited\n"


@pytest.mark.parametrize(
    ("name", "command"),
    [("rotdigits_cnn", "ginv fit"), ("compare_efficiency", "ginv compare"),
     ("study_gmm_c4", "ginv study")],
)  # fmt: skip
def test_a_copied_config_names_the_command_it_is_for(tmp_path, capsys, name, command):
    assert main(["configs", "copy", name, str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"run it with: {command} --config {tmp_path / name}.yaml" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "is neither a file nor a shipped config"),
        ("model: [unclosed\n", "cannot read config"),
        ("- a list\n", "is not a YAML mapping"),
        ("trainer: {}\n", "has no model: or data: section"),
        ("model: {generator: 3}\ndata: {class_path: ginv_lightning.data.RotDigits}\n", "model"),
    ],
)
def test_params_on_a_bad_config_is_one_line(tmp_path, capsys, content, message):
    config = tmp_path / "bad.yaml"
    if content is not None:
        config.write_text(content)
    assert main(["params", str(config)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("ginv: error: ")


@pytest.fixture(scope="module")
def points_run(tmp_path_factory):
    """A short `ginv fit` of the shipped vector-data config, by name, from an empty folder."""
    workdir = tmp_path_factory.mktemp("points")
    result = run_ginv(
        "fit", "--config", "points_gmm_c4", "--trainer.max_steps", "20",
        "--trainer.enable_progress_bar", "false", "--samples.every_n_steps", "10", cwd=workdir,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir / "runs" / "points_gmm_c4" / "version_0"


@pytest.mark.slow
def test_points_fit_completes_with_scatter_plots(points_run):
    pictures = sorted(p.name for p in (points_run / "samples").glob("*.png"))
    assert len(pictures) == 2 and pictures[0] == "step_0000010.png"  # and one at the end
    with Image.open(points_run / "samples" / pictures[-1]) as picture:
        pixels = np.asarray(picture.convert("L"))
    assert picture.size == (320, 320) and (pixels < 200).mean() > 0.01  # axes and points drawn
    config = yaml.safe_load((points_run / "config.yaml").read_text())
    assert config["data"]["class_path"] == "ginv_lightning.data.points.TargetPoints"


@pytest.mark.slow
def test_sample_writes_points_as_a_scatter_plot_or_an_array(points_run, tmp_path):
    checkpoint = str(points_run / "checkpoints" / "last.ckpt")
    assert (
        main(["sample", "--ckpt", checkpoint, "--n", "300", "--out", str(tmp_path / "p.png")]) == 0
    )
    with Image.open(tmp_path / "p.png") as picture:
        assert picture.size == (320, 320)
    assert main(["sample", "--ckpt", checkpoint, "--n", "7", "--out", str(tmp_path / "p.npz")]) == 0
    with np.load(tmp_path / "p.npz") as archive:
        assert archive["points"].shape == (7, 2)


def test_sample_refuses_an_unknown_file_type_before_loading(tmp_path, capsys):
    assert main(["sample", "--ckpt", str(tmp_path / "x.ckpt"), "--out", "grid.gif"]) == 2
    err = capsys.readouterr().err
    assert "unknown file type; use one of .png, .jpg, .jpeg, .npz" in err
