"""What a GAN's samples are measured with, and how: the settings of every metric."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class MetricsConfig:
    """The settings of :class:`~ginv_lightning.callbacks.metrics.GenerativeMetrics`.

    Declared here only: the callback forwards its keyword arguments to this class,
    and ``ginv fit`` offers these fields (with this help) as ``--metrics.<field>``.

    Args:
        features: ``digits`` (the shipped digit classifier), ``histology`` (the
            shipped autoencoder of RGB tissue crops), ``inception``
            (standard FID InceptionV3), the class path of an ``nn.Module``, or
            ``none``: no FID/KID (data no shipped network understands, offline),
            while the SWD and the invariance diagnostics are still measured.
        num_samples: generated images per evaluation.
        reference: the real split compared against: ``val`` or ``test``.
        kid_subset_size: images per KID subset (at most the smaller set's size).
        kid_subsets: number of KID subsets.
        batch_size: images per forward pass while evaluating.
        seed: seed of the noise bank, of the group elements and of the KID subsets.
        orbit_samples: Haar draws for the invariance checks of continuous groups.
        inception_weights: path of the Inception weights file (default: the torch hub cache).
        cache_dir: where reference features are cached (default ``~/.cache/ginv/reference``;
            an empty string disables the cache).
        swd: multi-scale sliced Wasserstein distance on Laplacian-pyramid patches
            (Karras et al. 2018): needs no pretrained network. Images only (not
            voxel grids or points).
        swd_patches: random 7x7 patches per image and pyramid level for the SWD.
        swd_projections: random directions of the sliced Wasserstein distance.
    """

    features: str = "digits"
    num_samples: int = 1000
    reference: Literal["val", "test"] = "val"
    kid_subset_size: int = 100
    kid_subsets: int = 50
    batch_size: int = 250
    seed: int = 0
    orbit_samples: int = 8
    inception_weights: str | None = None
    cache_dir: str | None = None
    swd: bool = True
    swd_patches: int = 16
    swd_projections: int = 128
