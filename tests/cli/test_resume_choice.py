"""``--ckpt_path last`` resumes the newest run of the *same* experiment; a foreign checkpoint
is refused. In this process: the crash and concurrency tests are in tests/persistence."""

from __future__ import annotations

import torch

QUIET = ("--trainer.enable_progress_bar", "false", "--metrics.enabled", "false",
         "--trainer.log_every_n_steps", "1")  # fmt: skip


def fit(config: str, *extra: str) -> list[str]:
    return ["fit", "--config", config, *QUIET, *extra]


def step_of(checkpoint) -> int:
    return torch.load(checkpoint, weights_only=True)["global_step"]


def test_resume_picks_the_same_experiment_even_when_another_run_is_newer(ginv, tmp_path):
    first = ginv(*fit("rotdigits_c4", "--trainer.max_steps", "10"))
    assert first.returncode == 0, first.stderr[-3000:]
    other = ginv(*fit("rotdigits_cnn", "--trainer.max_steps", "10"))
    assert other.returncode == 0, other.stderr[-3000:]
    cnn_last = tmp_path / "runs/rotdigits_cnn/version_0/checkpoints/last.ckpt"
    before = cnn_last.read_bytes()

    resumed = ginv(*fit("rotdigits_c4", "--trainer.max_steps", "16", "--ckpt_path", "last"))
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resuming from runs/rotdigits_c4/version_0/checkpoints/last.ckpt" in resumed.stderr
    assert step_of(tmp_path / "runs/rotdigits_c4/version_0/checkpoints/last.ckpt") == 16
    assert cnn_last.read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == [
        "rotdigits_c4",
        "rotdigits_cnn",
    ]

    c4_last = tmp_path / "runs/rotdigits_c4/version_0/checkpoints/last.ckpt"
    forced = ginv(*fit("rotdigits_cnn", "--ckpt_path", str(c4_last)))
    assert forced.returncode == 2 and "Traceback" not in forced.stderr
    assert (
        "(config 'rotdigits_c4') does not match this run (config 'rotdigits_cnn')" in forced.stderr
    )
    assert "model.generator.class_path" in forced.stderr
    assert [p.name for p in (tmp_path / "runs/rotdigits_cnn").iterdir()] == ["version_0"]
    evaluated = ginv("validate", "--config", "rotdigits_cnn", "--ckpt_path", str(c4_last),
                     "--model.group", "D4")  # fmt: skip
    assert evaluated.returncode == 2 and "model.generator.class_path" in evaluated.stderr

    fresh = ginv(*fit("rotdigits_symmetrized", "--trainer.max_steps", "4", "--ckpt_path", "last"))
    assert fresh.returncode == 0 and "resuming" not in fresh.stderr  # no run yet: a fresh start
    assert step_of(tmp_path / "runs/rotdigits_symmetrized/version_0/checkpoints/last.ckpt") == 4
