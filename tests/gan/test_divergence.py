"""A diverging run stops with one line and keeps its last *healthy* checkpoint.

Healthy: every weight finite and within ``WEIGHT_LIMIT``, every tensor of the
checkpoint finite, the discriminator's scores finite. The blow-ups here are
forced at a known step by patching one method of :class:`GAN` in this process.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator

# imported at collection: on first import they bind to the sys.stderr of the moment
import lightning  # noqa: F401
import pytest
import torch
import wandb  # noqa: F401

from ginv_lightning.callbacks.divergence import WEIGHT_LIMIT, DivergenceGuard, refuse_diverged
from ginv_lightning.cli import main
from ginv_lightning.errors import NonFiniteLossError
from ginv_lightning.experiment import experiment_from_config
from ginv_lightning.gan.module import GAN
from tests.conftest import REPO

BLOW_UP_BATCH = 3  # the fourth batch; each batch takes two optimiser steps (D and G)


@pytest.fixture
def gan() -> GAN:
    return experiment_from_config(REPO / "configs/rotdigits_cnn.yaml").model


@pytest.fixture
def fit(tmp_path, monkeypatch, capsys) -> Iterator:
    """``ginv fit`` of a small CNN GAN in this process, checkpointing after every batch."""
    monkeypatch.chdir(tmp_path)
    environment = dict(os.environ)

    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main([
            "fit", "--config", str(REPO / "configs/rotdigits_cnn.yaml"),
            "--trainer.logger", "false", "--trainer.enable_progress_bar", "false",
            "--trainer.default_root_dir", str(tmp_path), "--trainer.max_steps", "16",
            "--trainer.limit_val_batches", "0", "--trainer.num_sanity_val_steps", "0",
            "--metrics.enabled", "false", "--data.init_args.batch_size", "16",
            "--checkpoint.every_n_train_steps", "2", *args,
        ])  # fmt: skip
        return code, capsys.readouterr().err

    yield run
    os.environ.clear()
    os.environ.update(environment)


def blow_up_at(batch: int, value: float):
    """A ``_generator_step`` (the batch's last) that sets a discriminator weight at ``batch``."""
    step = GAN._generator_step

    def patched(self: GAN, real: torch.Tensor, fake: torch.Tensor, labels: object) -> None:
        step(self, real, fake, labels)
        if self.trainer.fit_loop.epoch_loop.batch_idx == batch:
            with torch.no_grad():
                next(self.discriminator.parameters()).view(-1)[0] = value

    return patched


def kept_checkpoint(tmp_path) -> dict:
    (last,) = tmp_path.rglob("last.ckpt")
    return torch.load(last, weights_only=True)


def assert_healthy(checkpoint: dict) -> None:
    for name, value in checkpoint["state_dict"].items():
        if value.is_floating_point() and value.numel():
            assert torch.isfinite(value).all(), name
            assert value.abs().max() <= WEIGHT_LIMIT, name


def assert_one_line(code: int, err: str) -> str:
    assert code == 2, err[-3000:]
    assert "Traceback" not in err
    (line,) = [line for line in err.splitlines() if line.startswith("ginv: error:")]
    return line


@pytest.mark.parametrize(("value", "became"), [(math.inf, "became inf"), (3e7, "exploded")])
def test_weights_that_blow_up_stop_training_before_they_are_saved(
    value, became, fit, monkeypatch, tmp_path
):
    monkeypatch.setattr(GAN, "_generator_step", blow_up_at(BLOW_UP_BATCH, value))
    line = assert_one_line(*fit())
    assert f"discriminator weights {became}" in line
    assert "at global step 8" in line
    assert "last.ckpt, is kept (global step 6)" in line
    kept = kept_checkpoint(tmp_path)
    assert kept["global_step"] == 6
    assert_healthy(kept)


def test_a_checkpoint_of_diverged_weights_is_refused_and_the_previous_one_kept(
    fit, monkeypatch, tmp_path
):
    # as if the per-batch check had missed it: the save itself refuses
    monkeypatch.setattr(DivergenceGuard, "check_weights", lambda *args: None)
    monkeypatch.setattr(GAN, "_generator_step", blow_up_at(BLOW_UP_BATCH, 3e7))
    line = assert_one_line(*fit())
    assert "refused to save a checkpoint at global step 8" in line
    assert "discriminator." in line
    assert "last.ckpt, is kept (global step 6)" in line
    kept = kept_checkpoint(tmp_path)
    assert kept["global_step"] == 6
    assert_healthy(kept)
    assert sorted(p.name for p in tmp_path.rglob("*.ckpt")) == ["last.ckpt", "step=0000006.ckpt"]


def test_non_finite_scores_stop_training_even_when_the_loss_is_finite(gan):
    scores = torch.tensor([1.0, math.inf, -2.0, math.nan])
    with pytest.raises(NonFiniteLossError) as error:
        DivergenceGuard().check_values(
            gan, {"discriminator loss": torch.tensor(0.0), "discriminator scores": scores}
        )
    assert "discriminator scores became non-finite (2 of 4 NaN or infinite)" in str(error.value)
    assert "no checkpoint was written yet" in str(error.value)


def test_a_non_finite_loss_also_reports_the_scores(gan):
    with pytest.raises(NonFiniteLossError) as error:
        DivergenceGuard().check_values(
            gan,
            {
                "generator loss": torch.tensor(math.nan),
                "discriminator scores": torch.full((3,), math.inf),
            },
        )
    assert (
        "generator loss became nan at global step 0 (epoch 0), with 3 of 3 discriminator scores"
        in str(error.value)
    )


def test_losses_far_beyond_any_healthy_run_stop_training_while_still_finite(gan):
    with pytest.raises(NonFiniteLossError) as error:
        DivergenceGuard().check_values(gan, {"discriminator loss": torch.tensor(1.5),
                           "discriminator penalty": torch.tensor(4.8e29)})  # fmt: skip
    assert "discriminator penalty reached 4.8e+29 (beyond 1e+06" in str(error.value)
    DivergenceGuard().check_values(
        gan, {"generator loss": torch.tensor(-900.0), "scores": torch.ones(3) * 1e3}
    )


def test_a_clearly_diverged_run_is_not_called_healthy(tmp_path, monkeypatch, capsys):
    """The reported command: D's learning rate 3000 blows up at once; nothing is saved."""
    monkeypatch.chdir(tmp_path)
    environment = dict(os.environ)
    try:
        code = main(["fit", "--config", "rotdigits_c4", "--model.optimizer_d.init_args.lr",
                     "3000", "--trainer.max_steps", "200", "--trainer.logger", "false",
                     "--trainer.enable_progress_bar", "false", "--metrics.enabled", "false",
                     "--trainer.num_sanity_val_steps", "0"])  # fmt: skip
    finally:
        os.environ.clear()
        os.environ.update(environment)
    err = capsys.readouterr().err
    assert code == 2, err[-2000:]
    assert "where no healthy run goes" in err and "no checkpoint was written yet" in err
    assert not list(tmp_path.rglob("*.ckpt"))  # before: steps 38, 76, 114, 152 were saved


def test_healthy_weights_pass_the_checks(gan):
    guard = DivergenceGuard()
    guard.check_weights(gan)
    checkpoint = {"state_dict": gan.state_dict(), "global_step": 4}
    guard.on_save_checkpoint(None, gan, checkpoint)
    assert guard.saved_step == 4


def test_every_fit_of_a_gan_is_guarded(gan):
    """The module installs the guard itself, so no trainer can leave it out."""
    assert [type(c) for c in gan.configure_callbacks()] == [DivergenceGuard]


@pytest.mark.parametrize("value", [math.nan, -math.inf, 2 * WEIGHT_LIMIT])
def test_saving_diverged_weights_is_refused(gan, value):
    with torch.no_grad():
        next(gan.generator.parameters()).view(-1)[0] = value
    with pytest.raises(NonFiniteLossError, match="refused to save a checkpoint"):
        refuse_diverged(gan, {"state_dict": gan.state_dict(), "global_step": 2})
    with pytest.raises(NonFiniteLossError, match="generator weights"):
        DivergenceGuard().check_weights(gan)
