"""``ginv sample --ckpt PATH --n 64 --out grid.png``: samples from a checkpoint's EMA generator.

An image file gets one grid (voxel grids as their projections); a ``.npz`` gets the
raw samples as the array ``images``, (N, C, *grid) in [-1, 1], which is what
3-D samples need to be looked at properly.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("sample", help="write a grid of samples from a checkpoint")
    parser.add_argument("--ckpt", required=True, help="a checkpoint written by `ginv fit`")
    parser.add_argument("--n", type=int, default=64, help="number of images (default 64)")
    parser.add_argument(
        "--out",
        default="samples.png",
        help="an image file such as grid.png (voxels as projections), or a .npz for the raw "
        "samples (array 'images')",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the noise")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import numpy as np
    import torch

    from ginv_lightning.callbacks.samples import save_grid
    from ginv_lightning.errors import ConfigError
    from ginv_lightning.gan.restore import generator_from_checkpoint

    if args.n < 1:
        raise ConfigError(f"--n must be >= 1, got {args.n}")
    generator = generator_from_checkpoint(args.ckpt)
    with torch.no_grad():
        z = generator.sample_latent(args.n, generator=torch.Generator().manual_seed(args.seed))
        images = generator(z)
    out = Path(args.out)
    if out.suffix.lower() == ".npz":
        out.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(out, images=images.numpy())
    else:
        out = save_grid(images, out)
    print(f"wrote {args.n} samples to {out}")
    return 0
