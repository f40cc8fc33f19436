"""``n_critic``: the generator steps on every ``n_critic``-th batch of the run, across epochs."""

from __future__ import annotations

from ginv_lightning.data import RotDigits
from ginv_lightning.gan.module import GAN
from ginv_lightning.quiet_trainer import quiet_trainer
from tests.tiny_gan import tiny_gan


def test_generator_turns_are_counted_across_epochs(monkeypatch):
    """Three 7-batch epochs with ``n_critic`` 2: the generator steps after the run's
    batches 1, 3, ..., 19, ten times in 21 batches. Counted within each epoch (before
    2026-12-07) it stepped after batches 1, 3, 5 of each epoch, nine times, and every
    epoch ended on two discriminator steps in a row."""
    module = tiny_gan(n_critic=2)
    data = RotDigits(image_size=8, num_train=112, batch_size=16)  # 7 batches an epoch
    turns: list[int] = []
    step = GAN._generator_step

    def recording(self, *args):
        turns.append(self.trainer.fit_loop.total_batch_idx)
        step(self, *args)

    monkeypatch.setattr(GAN, "_generator_step", recording)
    quiet_trainer(21 + 10, []).fit(module, datamodule=data)  # each D and G step counts
    assert module.trainer.fit_loop.total_batch_idx == 20
    assert turns == list(range(1, 21, 2))
