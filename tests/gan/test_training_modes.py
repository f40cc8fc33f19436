"""Validation in the middle of training leaves no stale escnn filters behind.

Lightning restores training mode after validation by setting each submodule's
``training`` flag, which skips escnn's ``train()``: cached filters then stayed
as buffers of the generator, and once a sample grid had cleared the EMA copy's,
the next EMA update paired mismatched tensors and crashed.
"""

from __future__ import annotations

import pytest
from lightning.pytorch import Trainer

from ginv_lightning.callbacks.samples import SampleGrid
from ginv_lightning.data import RotDigits
from ginv_lightning.escnn_support.eval_filter_buffers import cached_filter_keys
from tests.tiny_gan import tiny_gan


@pytest.mark.slow
def test_training_goes_on_after_validation_and_sample_grids(tmp_path):
    module = tiny_gan()
    data = RotDigits(image_size=8, num_train=64, batch_size=16)
    trainer = Trainer(
        max_steps=12,  # 4 batches (8 steps) per epoch: validation at step 8, grids every 2
        num_sanity_val_steps=1,
        limit_val_batches=1,
        callbacks=[SampleGrid(every_n_steps=2, n=4)],
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=tmp_path,
    )
    trainer.fit(module, data)
    assert trainer.global_step == 12
    assert module.generator.training and cached_filter_keys(module.generator) == []
    assert len(list((tmp_path / "samples").glob("step_*.png"))) == 6
