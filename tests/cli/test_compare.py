"""``ginv compare``: real fits of shipped configs on fractions of the data, resumed, tabulated."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from torchvision.io import read_image

from ginv_lightning.comparison.report import comparison_markdown
from ginv_lightning.comparison.spec import load_comparison
from ginv_lightning.grid.records import RecordFolder
from ginv_lightning.shipped_configs import find_config


def comparison_file(
    folder: Path,
    steps: int = 4,
    baseline: str = "faces_cnn",
    configs: tuple[str, ...] = ("faces_flip", "faces_cnn"),
) -> Path:
    path = folder / "tiny.yaml"
    document = {"compare": {
        "out": "cmp",
        "seeds": [0],
        "metrics": {"features": "none", "reference": "test", "num_samples": 40, "batch_size": 20},
        "tables": [{"title": "Faces tiny", "configs": list(configs),
                    "baseline": baseline, "fractions": [1.0, 0.5], "steps": steps}],
    }}  # fmt: skip
    path.write_text(yaml.safe_dump(document))
    return path


def records(out: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text()) for p in sorted((out / "cells").glob("*.json"))}


def test_cells_train_on_their_fraction_measure_invariance_and_resume(ginv, tmp_path):
    spec = comparison_file(tmp_path)
    first = ginv("compare", "--config", str(spec))
    assert first.returncode == 0, first.stderr
    made = records(tmp_path / "cmp")
    assert len(made) == 4
    by_cell = {(r["config"], r["fraction"]): r for r in made.values()}
    assert by_cell["faces_flip", 1.0]["train_images"] == 70  # the 70 training faces
    assert by_cell["faces_flip", 0.5]["train_images"] == 35
    for fraction in (1.0, 0.5):  # the invariant D is invariant, the CNN's is not
        assert by_cell["faces_flip", fraction]["d_invariance"] < 1e-5
        assert by_cell["faces_cnn", fraction]["d_invariance"] > 1e-4
        assert all(by_cell[c, fraction]["swd"] > 0 for c in ("faces_flip", "faces_cnn"))
        assert by_cell["faces_cnn", fraction]["fid"] is None  # features: none makes no FID
    table = (tmp_path / "cmp" / "table.md").read_text()
    assert (
        "| 50% (35 images) | faces_flip |" in table and "| 100% (70 images) | faces_cnn |" in table
    )
    rows = list(csv.DictReader((tmp_path / "cmp" / "results.csv").open()))
    assert len(rows) == 4 and {r["config"] for r in rows} == {"faces_flip", "faces_cnn"}

    # rerun: nothing trains again; a lost cell is retrained to the same numbers
    lost = next(name for name in made if "faces_flip-f0.5" in name)
    (tmp_path / "cmp" / "cells" / lost).unlink()
    second = ginv("compare", "--config", str(spec))
    assert second.returncode == 0, second.stderr
    assert second.stdout.count("] Faces tiny |") == 1
    again = records(tmp_path / "cmp")
    assert {k: v for k, v in again.items() if k != lost} == {
        k: v for k, v in made.items() if k != lost}  # fmt: skip
    same = ("swd", "d_invariance", "fid_orbit", "train_images")  # all but the wall time
    assert [again[lost][k] for k in same] == [made[lost][k] for k in same]
    assert "| 50% (35 images) | faces_flip |" in (tmp_path / "cmp" / "table.md").read_text()


def test_cells_made_with_other_settings_are_refused_before_training(ginv, tmp_path):
    assert ginv("compare", "--config", str(comparison_file(tmp_path, steps=2))).returncode == 0
    before = records(tmp_path / "cmp")
    result = ginv("compare", "--config", str(comparison_file(tmp_path, steps=3)))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "holds cells made with other settings" in result.stderr and "--out" in result.stderr
    assert records(tmp_path / "cmp") == before


def test_a_table_grows_and_keeps_its_finished_cells(ginv, tmp_path):
    first = comparison_file(tmp_path, baseline="faces_flip", configs=("faces_flip",))
    assert ginv("compare", "--config", str(first)).returncode == 0
    before = records(tmp_path / "cmp")
    grown = ginv("compare", "--config", str(comparison_file(tmp_path)))
    assert grown.returncode == 0, grown.stderr
    assert grown.stdout.count("] Faces tiny | faces_cnn") == 2  # only the new config trains
    assert "] Faces tiny | faces_flip" not in grown.stdout
    after = records(tmp_path / "cmp")
    assert {name: after[name] for name in before} == before and len(after) == 4


def test_bad_comparison_files_get_one_line(ginv, tmp_path):
    result = ginv("compare", "--config", str(comparison_file(tmp_path, baseline="rotdigits_cnn")))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "baseline 'rotdigits_cnn' is not one of its configs" in result.stderr
    result = ginv("compare", "--config", "rotdigits_c4")
    assert result.returncode == 2 and "has no `compare:` section" in result.stderr
    assert not (tmp_path / "cmp").exists() and not (tmp_path / "runs").exists()


def test_the_shipped_comparison_is_complete_and_its_table_renders():
    comparison = load_comparison("compare_efficiency")
    titles = [table.title for table in comparison.tables]
    assert titles == ["HistologyPatches 32 px", "HistologyPatches 64 px", "Faces"]
    assert comparison.seeds == (0, 1)
    assert comparison.table("HistologyPatches 32 px").fractions == (1.0, 0.1)
    fake = [{"table": "Faces", "config": c, "fraction": 1.0, "seed": s, "swd": swd,
             "train_images": 70, "g_params": 1, "d_params": 1, "seconds": 1.0,
             "fid_orbit": 0.1, "d_invariance": 0.0}
            for c, swd in (("faces_flip", 10.0), ("faces_cnn", 40.0)) for s in (0, 1)]  # fmt: skip
    markdown = comparison_markdown(comparison, fake)
    assert "| 100% (70 images) | faces_flip | 10.00 [10.00, 10.00] | 0.25 |" in markdown


def one_cell_file(folder: Path, config: str, name: str = "tiny.yaml", **section) -> Path:
    path = folder / name
    document = {"compare": {
        "out": "cmp", "seeds": [0],
        "metrics": {"features": "none", "reference": "test", "num_samples": 40, "batch_size": 20},
        "tables": [{"title": "Faces tiny", "configs": [config], "baseline": config,
                    "fractions": [1.0], "steps": 2}],
        **section,
    }}  # fmt: skip
    path.write_text(yaml.safe_dump(document))
    return path


def test_a_config_named_by_path_gives_the_table_a_shipped_name_gives(ginv, tmp_path):
    (tmp_path / "my_configs").mkdir()
    copied = tmp_path / "my_configs" / "faces_flip.yaml"
    copied.write_text(Path(find_config("faces_flip")).read_text())
    shipped = ginv("compare", "--config", str(one_cell_file(tmp_path, "faces_flip")))
    assert shipped.returncode == 0, shipped.stderr
    spec = one_cell_file(tmp_path, "my_configs/faces_flip.yaml", name="tiny2.yaml")
    by_path = ginv("compare", "--config", str(spec), "--out", "by_path")
    assert by_path.returncode == 0, by_path.stderr
    (name,) = records(tmp_path / "by_path")  # in cells/, where the table reads it
    assert name == "faces_tiny--faces_flip-f1-s0.json" and name in records(tmp_path / "cmp")
    same = ("swd", "d_invariance", "fid_orbit", "train_images", "g_params")
    assert [records(tmp_path / "by_path")[name][k] for k in same] == [
        records(tmp_path / "cmp")[name][k] for k in same]  # fmt: skip
    table = (tmp_path / "by_path" / "table.md").read_text()
    assert "| 100% (70 images) | my_configs/faces_flip.yaml |" in table
    assert len((tmp_path / "by_path" / "results.csv").read_text().splitlines()) == 2


def test_each_cell_keeps_its_samples_and_each_table_gets_a_picture(ginv, tmp_path):
    assert ginv("compare", "--config", str(one_cell_file(tmp_path, "faces_flip"))).returncode == 0
    cells = tmp_path / "cmp" / "cells"
    kept = torch.load(cells / "faces_tiny--faces_flip-f1-s0.samples.pt", weights_only=True)
    assert kept["fake"].shape == kept["real"].shape == (8, 1, 24, 24)
    assert kept["fake"].abs().max() <= 1 and not torch.equal(kept["fake"], kept["real"])
    assert (cells / "faces_tiny--faces_flip-f1-s0.png").stat().st_size > 0
    picture = tmp_path / "cmp" / "faces_tiny-samples.png"
    rows = read_image(str(picture)).shape[1]
    assert rows == 2 + 2 * (24 + 2)  # a row of real faces and one of the config's samples

    model = cells / "faces_tiny--faces_flip-f1-s0.ckpt"  # the final model, small and sampleable
    assert model.stat().st_size < 1_000_000
    assert "optimizer_states" not in torch.load(model, weights_only=True)
    drawn = ginv("sample", "--ckpt", str(model), "--n", "8", "--out", "drawn.npz")
    assert drawn.returncode == 0, drawn.stderr
    again = np.load(tmp_path / "drawn.npz")["images"]
    assert again.shape == (8, 1, 24, 24) and np.abs(again).max() <= 1


def test_another_comparison_cannot_replace_a_folders_tables(ginv, tmp_path):
    assert ginv("compare", "--config", str(one_cell_file(tmp_path, "faces_flip"))).returncode == 0
    before = (tmp_path / "cmp" / "table.md").read_text()
    other = one_cell_file(tmp_path, "faces_cnn", name="other.yaml")
    result = ginv("compare", "--config", str(other))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "holds the comparison 'tiny', not 'other'" in result.stderr and "--out" in result.stderr
    # a file of the same name elsewhere, with other tables, is another comparison too
    (tmp_path / "elsewhere").mkdir()
    namesake = one_cell_file(tmp_path / "elsewhere", "faces_cnn")
    document = yaml.safe_load(namesake.read_text())
    document["compare"]["tables"][0]["title"] = "Faces other"
    document["compare"]["out"] = str(tmp_path / "cmp")
    namesake.write_text(yaml.safe_dump(document))
    result = ginv("compare", "--config", str(namesake))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "holds another comparison named 'tiny' (tables ['Faces tiny'])" in result.stderr
    assert (tmp_path / "cmp" / "table.md").read_text() == before
    # the same file's tables run one at a time (--tables) share a folder
    both = yaml.safe_load((tmp_path / "tiny.yaml").read_text())
    second = {**both["compare"]["tables"][0], "title": "Faces again"}
    both["compare"]["tables"].append(second)
    both["compare"]["out"] = "parts"
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(both))
    for title in ("Faces tiny", "Faces again"):
        part = ginv("compare", "--config", str(tmp_path / "tiny.yaml"), "--tables", title)
        assert part.returncode == 0, part.stderr
    # so do copies of it holding some of its tables each, in any order (the titles add up)
    (tmp_path / "copies").mkdir()
    for title in ("Faces again", "Faces tiny", "Faces again"):
        tables = [table for table in both["compare"]["tables"] if table["title"] == title]
        copy = tmp_path / "copies" / "tiny.yaml"
        copy.write_text(yaml.safe_dump({"compare": {**both["compare"], "tables": tables}}))
        folder = RecordFolder(load_comparison(copy, out=str(tmp_path / "parts")))
        folder.check_owner()
        folder.claim()


@pytest.mark.parametrize(
    ("flags", "section", "message"),
    [
        (["--trainer.accelerator", "abacus"], {}, "--trainer.accelerator 'abacus' is not one of"),
        ([], {"trainer": {"precision": "8-bit"}}, "compare.trainer.precision '8-bit' is not one"),
        (["--trainer.devices", "2"], {}, "each cell trains on one device"),
        ([], {"trainer": {"acelerator": "cpu"}}, "compare.trainer: unknown keys ['acelerator']"),
    ],
)
def test_bad_trainer_settings_get_one_line_and_create_nothing(ginv, tmp_path, flags, section,
                                                              message):  # fmt: skip
    result = ginv("compare", "--config", str(one_cell_file(tmp_path, "faces_flip", **section)),
                  *flags)  # fmt: skip
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr, result.stderr
    assert not (tmp_path / "cmp").exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only refusal")
def test_a_gpu_asked_for_on_a_machine_without_one_is_one_line(ginv, tmp_path):
    spec = one_cell_file(tmp_path, "faces_flip")
    result = ginv("compare", "--config", str(spec), "--trainer.accelerator", "gpu")
    assert result.returncode == 2 and "no CUDA device is visible here" in result.stderr
    assert not (tmp_path / "cmp").exists()


def test_cells_train_on_the_accelerator_and_precision_given(ginv, tmp_path):
    """bf16-mixed is part of a cell's identity: float32 records are not reused for it."""
    spec = one_cell_file(tmp_path, "faces_flip", trainer={"accelerator": "cpu"})
    assert ginv("compare", "--config", str(spec)).returncode == 0
    result = ginv("compare", "--config", str(spec), "--trainer.precision", "bf16-mixed")
    assert result.returncode == 2 and "holds cells made with other settings" in result.stderr
    bf16 = ginv("compare", "--config", str(spec), "--trainer.precision", "bf16-mixed",
                "--out", "bf16")  # fmt: skip
    assert bf16.returncode == 0, bf16.stderr
    (made,) = records(tmp_path / "bf16").values()
    assert made["swd"] != records(tmp_path / "cmp")["faces_tiny--faces_flip-f1-s0.json"]["swd"]


def test_learning_curves_are_kept_drawn_and_leave_the_fit_unchanged(ginv, tmp_path):
    """Control: the same cells without curves; the final measures must match exactly.

    Broken on purpose once (the curve measured with the training generator in
    train mode instead of the averaged one in eval mode, so its batch-norm
    statistics moved): the final SWD went from 753.4 to 736.7 and this failed.
    """
    table = {"configs": ["faces_flip", "faces_cnn"], "baseline": "faces_cnn"}
    curved = one_cell_file(tmp_path, "faces_flip", name="curved.yaml")
    document = yaml.safe_load(curved.read_text())
    document["compare"]["tables"][0].update(table, steps=6, curve_every=2)
    curved.write_text(yaml.safe_dump(document))
    document["compare"]["tables"][0].pop("curve_every")
    plain = tmp_path / "plain.yaml"
    plain.write_text(yaml.safe_dump(document))
    result = ginv("compare", "--config", str(curved), "--out", "curved")
    assert result.returncode == 0, result.stderr
    assert ginv("compare", "--config", str(plain), "--out", "plain").returncode == 0

    with_curves, without = records(tmp_path / "curved"), records(tmp_path / "plain")
    assert with_curves.keys() == without.keys()
    for name, record in with_curves.items():
        assert [p["step"] for p in record["curve"]] == [0, 2, 4, 6]
        assert all(p["swd"] > 0 and p["fid_orbit"] >= 0 for p in record["curve"])
        seconds = [p["seconds"] for p in record["curve"]]
        assert seconds == sorted(seconds) and seconds[-1] <= record["seconds"]
        assert record["curve"][0]["swd"] > record["curve"][-1]["swd"]  # training helps
        same = ("swd", "fid_orbit", "d_invariance")
        assert [record[k] for k in same] == [without[name][k] for k in same]
    markdown = (tmp_path / "curved" / "table.md").read_text()
    assert "Along the run (SWD x 1e3 on the validation split every 2 optimiser steps" in markdown
    assert "| 100% | faces_cnn |" in markdown and "step " in markdown
    picture = read_image(str(tmp_path / "curved" / "faces_tiny-curves.png"))
    assert picture.shape[0] >= 3 and picture.shape[1] > 300
    assert not (tmp_path / "plain" / "faces_tiny-curves.png").exists()
    assert "Along the run" not in (tmp_path / "plain" / "table.md").read_text()


def test_a_curve_interval_outside_the_budget_is_one_line(ginv, tmp_path):
    spec = one_cell_file(tmp_path, "faces_flip")
    document = yaml.safe_load(spec.read_text())
    document["compare"]["tables"][0]["curve_every"] = 5  # steps: 2
    spec.write_text(yaml.safe_dump(document))
    result = ginv("compare", "--config", str(spec))
    assert result.returncode == 2
    assert "curve_every 5 must be between 1 and its steps (2)" in result.stderr
    assert not (tmp_path / "cmp").exists()
