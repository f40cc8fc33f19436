"""Choosing the feature network that FID and KID are computed on."""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch
from torch import Tensor, nn

from ginv_lightning.class_paths import import_class
from ginv_lightning.errors import ConfigError
from ginv_lightning.metrics.digit_classifier import load_digit_classifier
from ginv_lightning.metrics.digit_classifier import shipped_weights as digit_weights

IMAGE_FEATURES = ("digits", "histology", "inception")  # built-in networks for 2-D images
NO_FEATURES = "none"  # no FID/KID; the SWD and the invariance diagnostics remain


class DigitFeatures(nn.Module):
    """The shipped digit classifier's 64-d features; ``probabilities`` turns them into its
    class probabilities (the classifier's last layer), so one pass serves FID and the scores."""

    num_features = 64

    def __init__(self) -> None:
        super().__init__()
        self.classifier = load_digit_classifier()
        self.classifier.requires_grad_(False)

    def forward(self, images: Tensor) -> Tensor:
        return self.classifier.features(images)

    def probabilities(self, features: Tensor) -> Tensor:
        """The class probabilities of images whose :meth:`forward` gave ``features``."""
        return self.classifier.classify(features).softmax(-1)

    def train(self, mode: bool = True) -> DigitFeatures:
        return super().train(False)  # a fixed measuring instrument


class GivenFeatures(nn.Module):
    """Lets torchmetrics' FID/KID take features computed beforehand as their 'images'."""

    def __init__(self, num_features: int) -> None:
        super().__init__()
        self.num_features = num_features

    def forward(self, features: Tensor) -> Tensor:
        return features


def frechet_distance(a: Tensor, b: Tensor) -> float:
    """torchmetrics' Fréchet distance between Gaussians fitted to two sets of (N, d) features."""
    from torchmetrics.image.fid import FrechetInceptionDistance

    fid = FrechetInceptionDistance(feature=GivenFeatures(a.shape[1]))
    fid.update(a.double(), real=True)
    fid.update(b.double(), real=False)
    return float(fid.compute())


class UserFeatures(nn.Module):
    """Any ``nn.Module`` mapping images to (N, d) features, given by class path."""

    def __init__(self, module: nn.Module, num_features: int) -> None:
        super().__init__()
        self.module = module.eval().requires_grad_(False)
        self.num_features = num_features

    def forward(self, images: Tensor) -> Tensor:
        return self.module(images).reshape(len(images), -1)


def build_features(
    name: str, sample: Tensor, inception_weights: str | None = None
) -> tuple[nn.Module | None, str]:
    """The feature network for ``name`` and an identity for caching its outputs.

    Args:
        name: ``digits``, ``histology`` (RGB tissue crops), ``inception``, the
            class path of an ``nn.Module`` (built without arguments) returning
            (N, d) features, or ``none`` (no network: ``None``).
        sample: a few real images (or voxel grids), to check that the network
            accepts the data and to size a user module's features.
        inception_weights: where the Inception weights file is (default: torch hub).
    """
    if name == NO_FEATURES:
        return None, NO_FEATURES
    if name in IMAGE_FEATURES and sample.dim() != 4:
        raise ConfigError(
            f"metrics.features: {name!r} works on 2-D images (N, C, H, W) but the data are "
            f"{sample.dim() - 2}-D grids (one sample is {tuple(sample.shape[1:])}); give the "
            "class path of a feature module for such data (an nn.Module returning (N, d) "
            "features, e.g. one that a plugin ships) or set metrics.enabled: false"
        )
    if name == "digits" and sample.shape[1] != 1:
        raise ConfigError(
            f"metrics.features: 'digits' (the shipped digit classifier) needs 1-channel 2-D "
            f"images but the data have {sample.shape[1]} channels; use metrics.features: "
            "inception (with metrics.inception_weights, or a download), the class path of a "
            "feature module for such data, or metrics.features: none (SWD only, no FID)"
        )
    if name == "histology" and sample.shape[1] != 3:
        raise ConfigError(
            f"metrics.features: 'histology' (the shipped crop autoencoder) needs RGB images "
            f"but the data have {sample.shape[1]} channel(s); use metrics.features: digits "
            "(grey digits), the class path of a feature module, or none (SWD only, no FID)"
        )
    if name == "digits":
        return DigitFeatures(), f"digits:{_file_digest(digit_weights())}"
    if name == "histology":
        from ginv_lightning.metrics.crop_features import HistologyFeatures
        from ginv_lightning.metrics.crop_features import shipped_weights as crop_weights

        return HistologyFeatures(), f"histology:{_file_digest(crop_weights())}"
    if name == "inception":
        from ginv_lightning.metrics.inception import InceptionFeatures

        return InceptionFeatures(inception_weights), "inception:2015-12-05"
    module = _import_module_class(name)()
    try:
        with torch.no_grad():
            width = module.eval()(sample[:2]).reshape(2, -1).shape[1]
    except (RuntimeError, ValueError, TypeError) as exc:
        raise ConfigError(
            f"metrics.features: {name} cannot take the data (one sample is "
            f"{tuple(sample.shape[1:])}): {exc}"
        ) from None
    return UserFeatures(module, width), f"user:{name}"


def _import_module_class(path: str) -> type[nn.Module]:
    return import_class(
        path,
        nn.Module,
        "metrics.features",
        "is not 'digits', 'histology', 'inception', 'none' or the class path of a torch.nn.Module "
        "(e.g. mypackage.features.MyEncoder)",
    )


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
