"""bf16 mixed precision trains the equivariant GAN with its gradient penalties (on CPU).

Under manual optimisation Lightning autocasts ``training_step``, so the
penalties' ``autograd.grad(create_graph=True)`` runs through bf16 activations;
the losses must stay finite and the weights float32 and moving.
"""

from __future__ import annotations

import pytest
import torch
from lightning.pytorch import Callback, Trainer

from ginv_lightning.data import RotDigits
from ginv_lightning.gan.penalties import R1, GradientPenalty, Penalty
from tests.tiny_gan import tiny_gan


class LoggedLosses(Callback):
    """What the module logged after each batch."""

    def __init__(self) -> None:
        self.logged: list[dict[str, float]] = []

    def on_train_batch_end(self, trainer: Trainer, *_: object) -> None:
        self.logged.append({k: float(v) for k, v in trainer.callback_metrics.items()})


@pytest.mark.slow
@pytest.mark.parametrize("penalty", [R1(gamma=0.1), GradientPenalty(weight=10.0)], ids=repr)
def test_bf16_mixed_trains_with_the_penalty(penalty: Penalty, tmp_path):
    torch.manual_seed(0)
    module = tiny_gan(penalty=penalty)
    before = {n: p.detach().clone() for n, p in module.named_parameters()}
    losses = LoggedLosses()
    trainer = Trainer(
        max_steps=6,  # 3 batches: discriminator and generator steps
        precision="bf16-mixed",
        limit_val_batches=0,
        callbacks=[losses],
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=tmp_path,
    )
    trainer.fit(module, RotDigits(image_size=8, num_train=64, batch_size=16))

    assert trainer.global_step == 6 and len(losses.logged) == 3
    for logged in losses.logged:
        assert {"train/d_loss", "train/d_penalty", "train/g_loss"} <= logged.keys()
        assert all(torch.isfinite(torch.tensor(v)) for v in logged.values()), logged
    assert losses.logged[-1]["train/d_penalty"] > 0
    for name, parameter in module.named_parameters():
        assert parameter.dtype == torch.float32, name
        assert torch.isfinite(parameter).all(), name
    moved = [n for n, p in module.named_parameters() if not torch.equal(p, before[n])]
    assert any(n.startswith("generator.") for n in moved)
    assert any(n.startswith("discriminator.") for n in moved)
