"""``model.gradient_clip``: each network's gradient norm is clipped in true units, also
when a GradScaler scales the losses (``16-mixed``)."""

from __future__ import annotations

from functools import partial

import pytest
import torch
from lightning.pytorch import Trainer
from lightning.pytorch.plugins.precision import MixedPrecision

from ginv_lightning.data import RotDigits
from tests.tiny_gan import tiny_gan

CLIP = 1e-3
SGD = partial(torch.optim.SGD, lr=1.0)  # one step moves the weights by the clipped gradient


def _first_step_moves(plugins: list) -> tuple[float, float]:
    """How far one batch's steps move the discriminator's and the generator's weights."""
    torch.manual_seed(0)
    module = tiny_gan(plain=True, gradient_clip=CLIP, optimizer_g=SGD, optimizer_d=SGD)
    before = [torch.cat([p.detach().flatten() for p in net.parameters()]).clone()
              for net in (module.discriminator, module.generator)]  # fmt: skip
    trainer = Trainer(
        accelerator="cpu", max_steps=2, logger=False, enable_checkpointing=False,
        enable_progress_bar=False, enable_model_summary=False, limit_val_batches=0,
        num_sanity_val_steps=0, plugins=plugins,
    )  # fmt: skip
    trainer.fit(module, datamodule=RotDigits(image_size=8, num_train=64, batch_size=16))
    after = [torch.cat([p.detach().flatten() for p in net.parameters()])
             for net in (module.discriminator, module.generator)]  # fmt: skip
    d_move, g_move = ((a - b).norm().item() for a, b in zip(after, before, strict=True))
    return d_move, g_move


@pytest.mark.parametrize("scaled", [False, True], ids=["float32", "GradScaler"])
def test_each_step_moves_by_the_clip_in_true_units(scaled):
    """Unclipped, the first steps move the weights by far more than ``CLIP``; clipped, by
    ``CLIP``. With a GradScaler (2^8) clipping before unscaling would move them by
    ``CLIP`` / 2^8: the clip must act after Lightning unscales the gradients."""
    plugins = []
    if scaled:
        scaler = torch.amp.GradScaler("cpu", init_scale=2.0**8)
        plugins = [MixedPrecision("16-mixed", "cpu", scaler=scaler)]
    for move in _first_step_moves(plugins):
        assert move == pytest.approx(CLIP, rel=1e-2)
