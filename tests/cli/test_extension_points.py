"""Adding a loss or a data set touches one file of one's own and nothing in ginv.

The loss and the data set below live in this test module only; ``ginv fit``
reaches both by class path, as docs/architecture.md says ("register: nothing").
A group backend is shown by the ``ginv-test-extra`` fixture plugin
(``tests/symmetry/test_plugins.py``), a data kind by the ``Pairs`` kind of
``tests/nn/test_network_inputs.py``.
"""

from __future__ import annotations

import csv

import torch
import torch.nn.functional as F

from ginv_lightning.data.base import ImageDataModule
from ginv_lightning.gan.losses import GANLoss


class LeastSquares(GANLoss):
    """LSGAN (Mao et al. 2017): a loss ginv does not ship."""

    calls = 0

    def discriminator(self, real, fake):
        LeastSquares.calls += 1
        return F.mse_loss(real, torch.ones_like(real)) + F.mse_loss(fake, torch.zeros_like(fake))

    def generator(self, real, fake):
        return F.mse_loss(fake, torch.ones_like(fake))


class Stripes(ImageDataModule):
    """A data set ginv does not ship: diagonal stripes of random phase."""

    def load_images(self):
        g = torch.Generator().manual_seed(self.seed)
        axis = torch.arange(self.image_size, dtype=torch.float32)
        grid = axis[:, None] + axis[None, :]
        phases = torch.rand(120, 1, 1, generator=g) * 6.28
        return torch.sin(grid / 2 + phases)[:, None].repeat(1, self.channels, 1, 1)


def test_a_new_loss_and_a_new_data_set_need_only_their_class_paths(ginv, tmp_path):
    LeastSquares.calls = 0
    result = ginv(
        "fit", "--config", "rotdigits_c4",
        "--model.loss", "tests.cli.test_extension_points.LeastSquares",
        "--data", "tests.cli.test_extension_points.Stripes",
        "--data.init_args.image_size", "16", "--data.init_args.batch_size", "16",
        "--trainer.max_steps", "4", "--trainer.limit_val_batches", "0",
        "--trainer.log_every_n_steps", "1",
        "--trainer.enable_progress_bar", "false", "--metrics.enabled", "false",
        "--trainer.logger", "[{class_path: lightning.pytorch.loggers.CSVLogger, "
        f"init_args: {{save_dir: '{tmp_path}'}}}}]",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert LeastSquares.calls == 2  # the D step of each of the two batches
    (metrics,) = tmp_path.rglob("metrics.csv")
    rows = list(csv.DictReader(metrics.open()))
    assert any(row.get("train/d_loss") for row in rows)
