"""FID, KID, digit scores and invariance diagnostics of a GAN, computed during validation.

All distances are torchmetrics' (``FrechetInceptionDistance``,
``KernelInceptionDistance``) on the features of a chosen network; we only feed
them features. Under DDP each process adds its shard of the reference images
and generates its shard of a fixed, seeded noise bank, and every process calls
``compute`` so that torchmetrics can gather the states: the numbers equal a
single process's on the same samples.

The multi-scale sliced Wasserstein distance (:mod:`~ginv_lightning.metrics.sliced_wasserstein`)
needs the images themselves: every process keeps the whole reference (at most
``num_samples`` of it) and its own generated images in a ``CatMetric``, which
gathers them in rank order, i.e. in the single process's order; each process then
computes the same number from the same images.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torchmetrics import CatMetric, MeanMetric, SumMetric
from torchmetrics.image.fid import FrechetInceptionDistance
from torchmetrics.image.kid import KernelInceptionDistance

from ginv_lightning.errors import ConfigError
from ginv_lightning.metrics.features import DigitFeatures, GivenFeatures
from ginv_lightning.metrics.per_class import PerClassQuality
from ginv_lightning.metrics.reference import default_cache_dir, reference_features
from ginv_lightning.metrics.sliced_wasserstein import PATCH, sliced_wasserstein_pyramid
from ginv_lightning.symmetry.escnn_group import EscnnGroup


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


class CoarsePixels(nn.Module):
    """Images average-pooled to a 8x8 (or 4x4x4) grid: features that keep orientation.

    The orbit distance must see where things are, which a feature network
    trained with rotation augmentation has learnt to ignore.
    """

    def __init__(self, channels: int, dims: int) -> None:
        super().__init__()
        self.side = 8 if dims == 2 else 4
        self.dims = dims
        self.num_features = channels * self.side**dims

    def forward(self, images: Tensor) -> Tensor:
        pool = F.adaptive_avg_pool2d if self.dims == 2 else F.adaptive_avg_pool3d
        return pool(images, self.side).flatten(1)


class SampleQuality(nn.Module):
    """The metric states of one reference split (torchmetrics objects, synced across ranks)."""

    def __init__(self, config: MetricsConfig, features: nn.Module | None, feature_id: str) -> None:
        super().__init__()
        if config.num_samples < 2:
            raise ConfigError(f"metrics.num_samples must be >= 2, got {config.num_samples}")
        if config.swd and min(config.swd_patches, config.swd_projections) < 1:
            raise ConfigError("metrics.swd_patches and metrics.swd_projections must be >= 1")
        self.config = config
        self.features = features
        self.feature_id = feature_id
        self.fid: FrechetInceptionDistance | None = None
        self.kid: KernelInceptionDistance | None = None
        if features is not None:
            width = features.num_features
            self.fid = FrechetInceptionDistance(
                feature=GivenFeatures(width), reset_real_features=False, normalize=True
            )
            self.kid = KernelInceptionDistance(
                feature=GivenFeatures(width),
                reset_real_features=False,
                subset_size=config.kid_subset_size,
                subsets=config.kid_subsets,
                normalize=True,
            )
        self.orbit_fid: FrechetInceptionDistance | None = None  # sized at the first images
        self.invariance_change = SumMetric()
        self.score_magnitude = SumMetric()
        self.confidence = MeanMetric()
        self.predictions = CatMetric()
        self.reference_size = 0
        # SWD: the reference images (all of them, on every rank) and the generated
        # ones, flattened so that a rank without images gathers as an empty tensor
        self.swd_reference: Tensor | None = None
        self.swd_generated = CatMetric(nan_strategy="disable")
        self.per_class: PerClassQuality | None = None  # class-conditional GANs (add_reference)

    def check_sizes(self, reference_size: int) -> None:
        if self.kid is None:
            return
        smallest = min(reference_size, self.config.num_samples)
        if self.config.kid_subset_size > smallest:
            raise ConfigError(
                f"metrics.kid_subset_size ({self.config.kid_subset_size}) exceeds the "
                f"{smallest} images available on one side (reference {reference_size}, "
                f"generated {self.config.num_samples}); lower it or generate more"
            )

    def add_reference(
        self,
        images: Tensor,
        shard: tuple[int, int],
        device: torch.device,
        labels: Tensor | None = None,
        classes: int = 0,
    ) -> None:
        """Add this process's shard of the real reference images, once per run.

        With ``labels`` (of a class-conditional GAN's ``classes``) the per-class
        metrics are measured too (:mod:`~ginv_lightning.metrics.per_class`).
        """
        self.check_sizes(len(images))
        self.reference_size = len(images)
        if self.features is not None:
            feats = self._add_reference_features(images, shard, device)
            if labels is not None and classes:
                self.per_class = PerClassQuality(classes, self.features.num_features).to(device)
                mine = torch.tensor_split(labels, shard[1])[shard[0]]
                self.per_class.add_reference(feats.to(device), mine)
        if self.config.swd and images.dim() == 4 and min(images.shape[-2:]) >= PATCH:
            kept = min(len(images), self.config.num_samples)  # evenly spaced, all if they fit
            keep = torch.arange(kept) * len(images) // kept
            self.swd_reference = images[keep].detach().float().cpu()

    def _add_reference_features(
        self, images: Tensor, shard: tuple[int, int], device: torch.device
    ) -> Tensor:
        assert self.features is not None and self.fid is not None and self.kid is not None
        cache = self.config.cache_dir
        cache_dir = None if cache == "" else Path(cache) if cache else default_cache_dir()
        feats = reference_features(
            self.features, self.feature_id, images, shard, self.config.batch_size, device, cache_dir
        )
        self.fid.update(feats.to(device), real=True)
        self.kid.update(feats.to(device), real=True)
        return feats

    @torch.no_grad()
    def add_discriminator_invariance(
        self,
        discriminator: nn.Module,
        symmetry: EscnnGroup,
        real: Tensor,
        labels: Tensor | None = None,
    ) -> None:
        """Accumulate D's largest score change over the group and the scores' magnitude.

        Their ratio (summed over all images, so independent of batching and ranks)
        is the logged relative invariance error.
        """
        given = () if labels is None else (labels,)  # a conditional D keeps each image's label
        scores = discriminator(real, *given)
        generator = torch.Generator().manual_seed(self.config.seed)
        elements = symmetry.orbit_elements(self.config.orbit_samples, generator)
        change = torch.stack(
            [(discriminator(symmetry.act(g, real), *given) - scores).abs() for g in elements]
        )
        self.invariance_change.update(change.amax(0).sum())
        self.score_magnitude.update(scores.abs().sum())

    @torch.no_grad()
    def add_generated(
        self,
        sampler: nn.Module,
        symmetry: EscnnGroup,
        shard: tuple[int, int],
        device: torch.device,
        label_bank: Tensor | None = None,
    ) -> None:
        """Generate this process's share of the seeded noise bank and add its features.

        The bank is cut into batches seeded by their index, and each process takes a
        contiguous block of batches: any number of processes generates exactly the
        images (and random group elements) that one process would, in the same order.
        A conditional generator is asked for the classes of ``label_bank``, one per
        noise sample.
        """
        bank = sampler.sample_latent(
            self.config.num_samples, generator=torch.Generator().manual_seed(self.config.seed)
        )
        batches = list(torch.split(bank, self.config.batch_size))
        label_batches = (
            [None] * len(batches)
            if label_bank is None
            else list(torch.split(label_bank, self.config.batch_size))
        )
        mine = torch.tensor_split(torch.arange(len(batches)), shard[1])[shard[0]]
        self.generated_here = 0
        features = []
        for index in mine.tolist():
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(self.config.seed + 1 + index)
                labels = label_batches[index]
                given = () if labels is None else (labels.to(device),)
                images = sampler(batches[index].to(device), *given)
                moved = symmetry.act_each(symmetry.sample(len(images)), images)
            self.generated_here += len(images)
            probabilities = None
            if isinstance(self.features, DigitFeatures):
                probabilities = self.features.classify(images)
                self.confidence.update(probabilities.amax(-1))
                self.predictions.update(probabilities.argmax(-1).float())
            if self.features is not None:
                features.append(self.features(images).double())
                if self.per_class is not None and labels is not None:
                    self.per_class.add_generated(features[-1], labels, probabilities)
            self._add_orbit(images, moved)
            if self.swd_reference is not None:
                self.swd_generated.update(images.detach().float().flatten())
        if self.fid is not None and self.kid is not None and features:
            # one update per process: KID gathers list states position by position
            self.fid.update(torch.cat(features), real=False)
            self.kid.update(torch.cat(features), real=False)

    def _add_orbit(self, images: Tensor, moved: Tensor) -> None:
        if self.orbit_fid is None:
            pixels = CoarsePixels(images.shape[1], images.dim() - 2)
            self.orbit_pixels = pixels
            fid = FrechetInceptionDistance(
                feature=GivenFeatures(pixels.num_features), normalize=True
            )
            self.orbit_fid = fid.to(images.device)
        self.orbit_fid.update(self.orbit_pixels(images).double(), real=True)
        self.orbit_fid.update(self.orbit_pixels(moved).double(), real=False)

    def compute(self) -> dict[str, Any]:
        """Every metric, synced across processes; call on every rank."""
        results: dict[str, Any] = {}
        if self.orbit_fid is not None:
            results["fid_orbit"] = self.orbit_fid.compute()
        if self.reference_size and self.fid is not None and self.kid is not None:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(self.config.seed)  # KID's random subsets
                kid_mean, kid_std = self.kid.compute()
            results.update(
                fid=self.fid.compute(),
                kid=kid_mean,
                kid_std=kid_std,
            )
        if self.reference_size:
            results.update(
                samples_generated=float(self.config.num_samples),
                samples_reference=float(self.reference_size),
            )
        if self.score_magnitude.update_count:
            change, magnitude = self.invariance_change.compute(), self.score_magnitude.compute()
            results["d_invariance"] = change / (magnitude + 1e-12)
        if self.confidence.update_count:
            classes = self.predictions.compute().long()
            histogram = torch.bincount(classes, minlength=10).double() / len(classes)
            entropy = -(histogram[histogram > 0] * histogram[histogram > 0].log()).sum()
            results["digit_confidence"] = self.confidence.compute()
            results["digit_class_entropy"] = entropy
        if self.per_class is not None:
            results.update(self.per_class.compute())
        if self.swd_reference is not None:  # the same on every rank: all compute, all gather
            results.update(self._swd())
        return results

    def _swd(self) -> dict[str, float]:
        generated = self.swd_generated.compute()
        if not isinstance(generated, Tensor) or generated.numel() == 0:
            return {}
        reference = self.swd_reference
        assert reference is not None
        return sliced_wasserstein_pyramid(
            reference,
            generated.cpu().reshape(-1, *reference.shape[1:]),
            patches_per_image=self.config.swd_patches,
            projections=self.config.swd_projections,
            seed=self.config.seed,
        )

    def reset_generated(self) -> None:
        """Forget generated samples (the reference features stay)."""
        for metric in (self.fid, self.kid, self.orbit_fid, self.invariance_change,
                       self.score_magnitude, self.confidence, self.predictions,
                       self.swd_generated):  # fmt: skip
            if metric is not None:
                metric.reset()
        if self.per_class is not None:
            self.per_class.reset_generated()
