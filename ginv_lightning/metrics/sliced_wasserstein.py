"""Multi-scale sliced Wasserstein distance (SWD) between two sets of images, with POT.

The image-quality distance of Karras et al., "Progressive Growing of GANs"
(ICLR 2018, appendix D), which needs no pretrained network, computed as in
their ``metrics/sliced_wasserstein.py``:

* **Pyramid**: a Laplacian pyramid (5x5 binomial blur, 2x subsampling, mirror
  edges); the coarsest level is the blurred (Gaussian) residual. Levels run
  from full resolution, halving while the level keeps at least 16 px (as
  PGGAN); images under 32 px, which that rule would leave with one level, go
  down to 8 px instead (24 px: levels 24 and 12). See :func:`pyramid_sizes`.
* **Descriptors**: random 7x7 patches, ``patches_per_image`` per image and
  level (PGGAN: 128), at positions drawn by a ``torch.Generator`` seeded with
  ``seed``: they depend only on the seed, the image count and the level, so
  two equal image sets give equal descriptors and an SWD of exactly 0.
* **Normalisation**: per level and channel, both sets' descriptors are
  standardised with the *real* set's mean and standard deviation. PGGAN
  standardises each set with its own statistics, which hides a wrong
  brightness or contrast at a level; one affine map for both keeps the
  distance a metric between the two sets.
* **Distance**: POT's ``ot.sliced_wasserstein_distance`` with ``p=1``, the mean
  over random unit directions of the 1-D W1 between the projected sets (what
  PGGAN computes: the mean absolute gap of sorted projections); directions come
  from a ``numpy.random.RandomState(seed)``, so no global generator is touched.
* **Unit**: as PGGAN's tables, distances are multiplied by 1e3. Keys:
  ``swd_<side>`` per level (``swd_24``, ``swd_12``) and ``swd``, their mean.
"""

from __future__ import annotations

import math

import numpy as np
import ot
import torch
import torch.nn.functional as F
from torch import Tensor

PATCH = 7
SCALE = 1e3
# Directions per call to POT: bounds the (descriptors x directions) projections in memory.
CHUNK = 32
_BINOMIAL = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0], dtype=torch.float64) / 16


def pyramid_sizes(side: int) -> list[int]:
    """The pyramid's level sides: halve while >= 16 px, or >= 8 px for images under 32 px."""
    if side < PATCH:
        raise ValueError(f"SWD needs images of at least {PATCH} px, got {side}")
    floor = 16 if side >= 32 else 8
    sizes = [side]
    while math.ceil(sizes[-1] / 2) >= floor:
        sizes.append(math.ceil(sizes[-1] / 2))
    return sizes


def _blur(images: Tensor, gain: float = 1.0) -> Tensor:
    channels = images.shape[1]
    kernel = (torch.outer(_BINOMIAL, _BINOMIAL) * gain).to(images)
    padded = F.pad(images, (2, 2, 2, 2), mode="reflect")  # scipy's 'mirror', as PGGAN
    return F.conv2d(padded, kernel.expand(channels, 1, 5, 5), groups=channels)


def _upsample(images: Tensor, height: int, width: int) -> Tensor:
    n, c, h, w = images.shape
    spread = images.new_zeros(n, c, 2 * h, 2 * w)
    spread[..., ::2, ::2] = images
    return _blur(spread, 4.0)[..., :height, :width]


def laplacian_pyramid(images: Tensor, levels: int) -> list[Tensor]:
    """Band-pass levels from fine to coarse; the last one is the Gaussian residual."""
    pyramid = []
    current = images
    for _ in range(levels - 1):
        coarse = _blur(current)[..., ::2, ::2]
        pyramid.append(current - _upsample(coarse, *current.shape[-2:]))
        current = coarse
    pyramid.append(current)
    return pyramid


def _patches(levels: list[Tensor], per_image: int, seed: int) -> list[Tensor]:
    """``per_image`` random 7x7 patches of every image at every level: (N * per_image, C, 7, 7)."""
    generator = torch.Generator().manual_seed(seed)
    out = []
    for level in levels:
        n, c, h, w = level.shape
        ys = torch.randint(0, h - PATCH + 1, (n, per_image), generator=generator)
        xs = torch.randint(0, w - PATCH + 1, (n, per_image), generator=generator)
        windows = level.unfold(2, PATCH, 1).unfold(3, PATCH, 1)  # (N, C, H', W', 7, 7)
        picked = windows[torch.arange(n)[:, None], :, ys, xs]  # (N, per_image, C, 7, 7)
        out.append(picked.reshape(n * per_image, c, PATCH, PATCH))
    return out


def sliced_wasserstein(
    x: Tensor | np.ndarray, y: Tensor | np.ndarray, *, projections: int, seed: int, p: int = 1
) -> float:
    """Sliced W_p between the uniform measures on the rows of ``x`` and ``y`` (POT).

    ``(mean over directions of W_p^p)^(1/p)``, as POT defines it, over ``projections``
    directions uniform on the sphere; fed to POT in chunks to bound memory.
    """
    a, b = _as_array(x), _as_array(y)
    rng = np.random.RandomState(seed)
    directions = ot.sliced.get_random_projections(a.shape[1], projections, seed=rng)
    total = 0.0
    for start in range(0, projections, CHUNK):
        chunk = directions[:, start : start + CHUNK]
        value = ot.sliced_wasserstein_distance(a, b, projections=chunk, p=p)
        total += float(value) ** p * chunk.shape[1]
    return (total / projections) ** (1 / p)


def sliced_wasserstein_pyramid(
    real: Tensor, fake: Tensor, *, patches_per_image: int, projections: int, seed: int
) -> dict[str, float]:
    """SWD (x 1e3) between real and generated images (N, C, H, W) in [-1, 1], per level and mean."""
    if real.dim() != 4 or real.shape[1:] != fake.shape[1:]:
        raise ValueError(
            f"SWD needs two (N, C, H, W) sets of one shape: {real.shape}, {fake.shape}"
        )
    levels = len(pyramid_sizes(min(real.shape[-2:])))
    real_pyramid = laplacian_pyramid(real.detach().cpu().double(), levels)
    fake_pyramid = laplacian_pyramid(fake.detach().cpu().double(), levels)
    real_patches = _patches(real_pyramid, patches_per_image, seed)
    fake_patches = _patches(fake_pyramid, patches_per_image, seed)
    results = {}
    for index, (r, f) in enumerate(zip(real_patches, fake_patches, strict=True)):
        mean = r.mean(dim=(0, 2, 3), keepdim=True)  # the real set's statistics, per channel
        std = r.std(dim=(0, 2, 3), keepdim=True).clamp_min(1e-8)
        x, y = ((r - mean) / std).flatten(1), ((f - mean) / std).flatten(1)
        side = real_pyramid[index].shape[-2]
        results[f"swd_{side}"] = SCALE * sliced_wasserstein(
            x, y, projections=projections, seed=seed + index
        )
    results["swd"] = float(np.mean(list(results.values())))
    return results


def _as_array(x: Tensor | np.ndarray) -> np.ndarray:
    if isinstance(x, Tensor):
        x = x.detach().cpu().numpy()
    return np.ascontiguousarray(x, dtype=np.float64)
