"""``ginv data check``: how far a data set's own law is from invariant under each group.

Before training a G-invariant GAN a user should know whether the data have the
symmetry G at all. For each group the check compares two halves of the data, A
and B: D_g is the Fréchet distance between A and B with each image of B moved by
a random element of G, and the noise floor F is the distance between A and B
themselves. Both use the same halves, so their sizes (and the bias of the
finite-sample distance) are equal; an invariant law gives D_g ~ F. The distance
is the one of the ``fid_orbit`` diagnostic: torchmetrics' Fréchet distance on
:class:`~ginv_lightning.metrics.orbit.CoarsePixels` (8x8 average-pooled
pixels, which keep orientation).

A group with interpolated elements (C8's 45-degree turns, SO2) is compared
inside the grid's inscribed disc, on images upsampled to 96x96 first: the
corners a turn moves off the grid, and the blur of one bilinear resampling at
the data's own size, would otherwise read as a broken symmetry.
"""

from __future__ import annotations

import argparse
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # torch and escnn load only when the command runs
    from lightning.pytorch import LightningDataModule
    from torch import Tensor

    from ginv_lightning.symmetry.escnn_group import EscnnGroup

SPLITS = ("train", "val", "test")
FINE = {2: 96, 3: 32}  # the edge interpolated actions work at: 12 (8) pixels per pooled cell


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("data", help="inspect a config's data before training")
    actions = parser.add_subparsers(dest="action", required=True)
    check = actions.add_parser(
        "check", help="is the data's law invariant under each group? (orbit distance vs noise)"
    )
    check.add_argument(
        "--config", required=True, help="a config with a data: section: shipped name or path"
    )
    check.add_argument("--groups", nargs="+", required=True, help="groups to test, e.g. C4 D4 flip")
    check.add_argument(
        "--split", choices=SPLITS, default="train", help="which part: train (default), val or test"
    )
    check.add_argument("--seed", type=int, default=0, help="seed of the halves and the elements")
    check.add_argument(
        "--repeats", type=int, default=5, help="random halvings averaged over (at least 2)"
    )
    parser.set_defaults(run=run)


@dataclass(frozen=True)
class Row:
    """One group's orbit distances D_g and the noise floors F, one of each per repeat."""

    group: str
    region: str
    moved: list[float]
    floor: list[float]

    @property
    def invariant(self) -> bool:
        """Within noise: D_g's mean is no more than F's mean + 2 standard deviations."""
        mean, std = statistics.mean(self.floor), statistics.stdev(self.floor)
        return statistics.mean(self.moved) <= mean + 2 * std


def run(args: argparse.Namespace) -> int:
    from ginv_lightning.errors import ConfigError, config_error
    from ginv_lightning.experiment import data_from_config, data_shape_of
    from ginv_lightning.metrics.orbit import CoarsePixels
    from ginv_lightning.symmetry import resolve_group

    if args.repeats < 2:
        raise ConfigError(f"--repeats must be >= 2 (the noise floor's spread), got {args.repeats}")
    data = data_from_config(args.config)
    shape = data_shape_of(data)
    symmetries = [resolve_group(name) for name in args.groups]
    for symmetry in symmetries:  # all refused before any work
        with config_error("--groups", (ValueError,)):
            symmetry.check_data(shape)
    samples = _samples(data, args.split)
    half = len(samples) // 2
    print(
        f"data: {type(data).__name__}, {shape.describe()}, split {args.split}: {len(samples)} "
        f"images, halves of {half}, {args.repeats} repeats from seed {args.seed}"
    )
    features = CoarsePixels(samples.shape[1], samples.dim() - 2).num_features
    if half <= features:
        print(
            f"note: halves of {half} images for {features} features: the covariances are "
            "singular and the distances noisy; more images give a sharper check"
        )
    rows = [check(samples, symmetry, args.seed, args.repeats) for symmetry in symmetries]
    print(format_table(rows))
    return 0


def _samples(data: LightningDataModule, split: str) -> Tensor:
    """The images of ``split`` (the module sets itself up)."""
    from ginv_lightning.data.base import ImageDataModule
    from ginv_lightning.errors import DataError

    if not isinstance(data, ImageDataModule):
        raise DataError(
            f"ginv data check compares images (an ImageDataModule); {type(data).__name__} is "
            "not one (points: a Fréchet distance of raw points sees only their covariance)"
        )
    samples = data.images(split)
    if len(samples) < 4:
        raise DataError(f"split {split!r} has {len(samples)} images; the check needs >= 4")
    return samples


def check(samples: Tensor, symmetry: EscnnGroup, seed: int, repeats: int) -> Row:
    """D_g = d(A, g·B) and F = d(A, B) for ``repeats`` seeded halvings A, B of ``samples``."""
    import torch

    half = len(samples) // 2
    disc = not _exact(symmetry)
    region = "whole grid"
    if disc:
        samples = _finer(samples)
        samples.mul_(inscribed_ball(samples.shape[2:]))
        region = f"inscribed disc, {'x'.join(map(str, samples.shape[2:]))}"
    moved: list[float] = []
    floor: list[float] = []
    for repeat in range(repeats):
        generator = torch.Generator().manual_seed(seed + repeat)
        order = torch.randperm(len(samples), generator=generator)
        a, b = samples[order[:half]], samples[order[half : 2 * half]]
        b_moved = symmetry.act_each(symmetry.sample(half, generator=generator), b)
        if disc:
            b_moved = b_moved * inscribed_ball(samples.shape[2:])
        floor.append(frechet(a, b))
        moved.append(frechet(a, b_moved))
    return Row(symmetry.name, region, moved, floor)


def _exact(symmetry: EscnnGroup) -> bool:
    """Whether every element permutes the grid's pixels (no interpolation, no padding)."""
    return symmetry.is_finite and all(symmetry.is_exact(g) for g in symmetry.elements())


def _finer(images: Tensor) -> Tensor:
    """Images upsampled (both sides alike) so that interpolating a turn blurs far below a cell.

    The pooled cells of RotDigits are 3x3 pixels; a bilinear 45-degree turn blurs
    by about a pixel, which alone reads as a broken symmetry at that scale.
    """
    import torch.nn.functional as F

    dims = images.dim() - 2
    side = max(images.shape[-1], FINE.get(dims, 0))
    mode = "bilinear" if dims == 2 else "trilinear"
    return F.interpolate(images, size=(side,) * dims, mode=mode, align_corners=True)


def inscribed_ball(grid: tuple[int, ...]) -> Tensor:
    """1 inside the grid's inscribed disc (ball), 0 outside: what a rotation keeps on the grid.

    An interpolated element (a 45-degree turn) moves the corners off the grid and
    pads with zeros; signed images have a background of -1, so without the mask
    the padding alone would read as a broken symmetry. Both sides get the mask.
    """
    import torch

    axes = [torch.linspace(-1, 1, n) for n in grid]
    radius = sum(c**2 for c in torch.meshgrid(*axes, indexing="ij"))
    return (radius <= 1).float()


def frechet(a: Tensor, b: Tensor) -> float:
    """torchmetrics' Fréchet distance between Gaussians fitted to the features of a and b.

    The features are those of ``fid_orbit`` (8x8 pooled pixels), taken in float64.
    """
    from ginv_lightning.metrics.features import frechet_distance
    from ginv_lightning.metrics.orbit import CoarsePixels

    pixels = CoarsePixels(a.shape[1], a.dim() - 2)
    return frechet_distance(pixels(a.double()), pixels(b.double()))


def format_table(rows: list[Row]) -> str:
    """GROUP, D_g and F (mean ± std over repeats), their ratio and the verdict."""
    table = [("GROUP", "D(A, g·B)", "FLOOR D(A, B)", "RATIO", "COMPARED ON", "VERDICT")]
    for row in rows:
        ratio = statistics.mean(row.moved) / max(statistics.mean(row.floor), 1e-12)
        verdict = "invariant (within noise)" if row.invariant else "not invariant"
        table.append(
            (row.group, _spread(row.moved), _spread(row.floor), f"{ratio:.2f}", row.region, verdict)
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]) - 1)]
    return "\n".join(
        "  ".join([*(c.ljust(w) for c, w in zip(line[:-1], widths, strict=True)), line[-1]])
        for line in table
    )


def _spread(values: list[float]) -> str:
    return f"{statistics.mean(values):.3g} ± {statistics.stdev(values):.2g}"
