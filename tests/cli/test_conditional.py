"""A class-conditional GAN through the real CLI: fit, per-class metrics, sampling by label."""

from __future__ import annotations

import csv

import numpy as np
from PIL import Image

from tests.conftest import REPO

SHORT = [
    "--trainer.max_epochs", "2", "--trainer.check_val_every_n_epoch", "1",
    "--trainer.enable_progress_bar", "false", "--data.init_args.num_train", "256",
    "--metrics.num_samples", "200", "--metrics.kid_subset_size", "50",
    "--metrics.cache_dir", "", "--samples.every_n_steps", "0", "--samples.n", "20",
]  # fmt: skip


def test_fit_logs_per_class_metrics_and_draws_a_row_per_class(ginv, tmp_path):
    config = REPO / "configs" / "rotdigits_c4_conditional.yaml"
    result = ginv("fit", "--config", str(config), *SHORT)
    assert result.returncode == 0, result.stderr[-3000:]
    run = tmp_path / "runs" / "rotdigits_c4_conditional" / "version_0"
    with open(next(run.rglob("metrics.csv"))) as handle:
        rows = [r for r in csv.DictReader(handle) if r.get("val/fid_intra")]
    assert len(rows) == 2
    for row in rows:
        assert 0 <= float(row["val/label_accuracy"]) <= 1
        assert float(row["val/fid_intra"]) > 0 and float(row["val/fid"]) > 0
        assert float(row["val/d_invariance"]) < 1e-5  # the projection D stays invariant
    (grid,) = sorted(run.glob("samples/step_*.png"))
    with Image.open(grid) as picture:  # 10 rows of 2 digits of 24 px, 2-px padding
        assert picture.size == (2 * 24 + 3 * 2, 10 * 24 + 11 * 2)

    checkpoint = str(next(run.rglob("last.ckpt")))
    out = tmp_path / "chosen.npz"
    result = ginv("sample", "--ckpt", checkpoint, "--labels", "0,1,7", "--n", "4",
                  "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    with np.load(out) as arrays:
        assert arrays["images"].shape == (12, 1, 24, 24)
        assert arrays["labels"].tolist() == [0] * 4 + [1] * 4 + [7] * 4
    result = ginv("sample", "--ckpt", checkpoint, "--labels", "3,12", "--out", "x.png")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "--labels: class 12 is outside [0, 10)" in result.stderr
    assert not (tmp_path / "x.png").exists()

    # every class, n in all: exactly n (a multiple of the classes), 8 per class by default
    for n, written in (("30", 30), (None, 80)):
        result = ginv(
            "sample", "--ckpt", checkpoint, *(("--n", n) if n else ()), "--out", "all.npz"
        )
        assert result.returncode == 0 and f"wrote {written} samples" in result.stdout
        with np.load(tmp_path / "all.npz") as arrays:
            assert arrays["labels"].tolist() == [c for c in range(10) for _ in range(written // 10)]
    for n in ("64", "7"):  # wrote 60 and 10 before
        result = ginv("sample", "--ckpt", checkpoint, "--n", n, "--out", "odd.png")
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
        assert (
            f"--n {n}: " in result.stderr
            and "must be a multiple of its 10 classes" in result.stderr
        )
        assert not (tmp_path / "odd.png").exists()


def test_labels_for_an_unconditional_checkpoint_and_labels_on_unlabelled_data(ginv, tmp_path):
    result = ginv("fit", "--config", str(REPO / "configs" / "rotdigits_c4.yaml"),
                  "--trainer.max_steps", "2", "--trainer.logger", "false",
                  "--trainer.enable_progress_bar", "false",
                  "--data.init_args.num_train", "64")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    checkpoint = next(tmp_path.rglob("last.ckpt"))
    result = ginv("sample", "--ckpt", str(checkpoint), "--labels", "1", "--out", "y.png")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "is not class-conditional (trained on unlabelled data)" in result.stderr

    before = sorted(p.name for p in tmp_path.iterdir())
    result = ginv("fit", "--config", str(REPO / "configs" / "histology_d4.yaml"),
                  "--data.init_args.labels", "true")  # fmt: skip
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "HistologyPatches has no class labels" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before
