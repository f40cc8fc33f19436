"""Lazy regularisation: the penalty on one discriminator step in ``every``, weighted by it."""

from __future__ import annotations

import pytest
import torch

from ginv_lightning.data import RotDigits
from ginv_lightning.gan.module import GAN
from ginv_lightning.gan.penalties import R1, GradientPenalty
from ginv_lightning.quiet_trainer import quiet_trainer
from tests.tiny_gan import tiny_gan


def test_lazy_r1_weighs_its_step_by_every():
    x = torch.tensor([[1.0, 2.0]], requires_grad=True)

    def critic(v):
        return (3 * v).sum(1)  # gradient (3, 3): squared norm 18

    assert R1(0.1)(critic, x, x).item() == pytest.approx(0.1 / 2 * 18)
    assert R1(0.1, every=4)(critic, x, x).item() == pytest.approx(4 * 0.1 / 2 * 18)
    assert GradientPenalty(1.0, every=3)(critic, x, x).item() == pytest.approx(
        3 * (18**0.5 - 1) ** 2
    )


def test_lazy_penalty_is_due_once_in_every_batches():
    assert [R1(every=3).due(i) for i in range(7)] == [True, False, False] * 2 + [True]
    assert all(R1().due(i) for i in range(5))


@pytest.mark.parametrize("every", [0, -2, 1.5, True])
def test_every_must_be_a_positive_integer(every):
    with pytest.raises(ValueError, match="every must be an integer >= 1"):
        R1(0.1, every=every)


def test_a_gan_computes_a_lazy_penalty_only_when_due(monkeypatch):
    """A real fit of two 7-batch epochs: the penalty runs on the run's discriminator steps
    0, 3, 6, 9 and 12, counted across epochs (counted within each epoch, as before
    2026-12-07, it ran on 0, 3, 6, 7, 10 and 13: twice as often as asked where an epoch
    is not a multiple of ``every``)."""
    module = tiny_gan(penalty=R1(0.1, every=3))
    data = RotDigits(image_size=8, num_train=112, batch_size=16)  # 7 batches an epoch
    penalised: list[int] = []
    step = GAN._discriminator_step

    def recording(self, real, fake, labels, discriminator_step):
        calls = len(seen)
        step(self, real, fake, labels, discriminator_step)
        if len(seen) > calls:
            penalised.append(self.trainer.fit_loop.total_batch_idx)

    seen: list[None] = []
    original = R1.__call__
    monkeypatch.setattr(R1, "__call__", lambda self, *a: seen.append(None) or original(self, *a))
    monkeypatch.setattr(GAN, "_discriminator_step", recording)
    quiet_trainer(28, []).fit(module, datamodule=data)  # a D and a G step per batch
    assert penalised == [0, 3, 6, 9, 12]
