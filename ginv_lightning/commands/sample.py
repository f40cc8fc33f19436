"""``ginv sample --ckpt PATH --n 64 --out grid.png``: samples from a checkpoint's EMA generator.

A PNG or JPEG gets one picture: an image grid, voxel grids as their projections,
points as scatter plots. A ``.npz`` gets the raw samples, as the array ``images``
((N, C, *grid) in [-1, 1]) or ``points`` ((N, d)), which is what 3-D samples
need to be looked at properly.
"""

from __future__ import annotations

import argparse
from pathlib import Path

PICTURES = (".png", ".jpg", ".jpeg")
ARRAYS = (".npz",)


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("sample", help="write samples from a checkpoint (picture or npz)")
    parser.add_argument("--ckpt", required=True, help="a checkpoint written by `ginv fit`")
    parser.add_argument("--n", type=int, default=64, help="number of samples (default 64)")
    parser.add_argument(
        "--out",
        default="samples.png",
        help="a picture (.png, .jpg: image grid, voxel projections or scatter plot of points) "
        "or a .npz of the raw samples (array 'images' or 'points')",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the noise")
    parser.add_argument(
        "--trust-class-paths",
        action="store_true",
        help="rebuild the checkpoint even if it names classes from outside ginv_lightning, "
        "torch, lightning and the installed group plugins (importing them runs their code)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import numpy as np
    import torch

    from ginv_lightning.errors import ConfigError
    from ginv_lightning.gan.restore import generator_from_checkpoint
    from ginv_lightning.persistence.output_folders import require_writable_folder
    from ginv_lightning.sample_pictures import save_samples

    if args.n < 1:
        raise ConfigError(f"--n must be >= 1, got {args.n}")
    out = Path(args.out)
    if out.suffix.lower() not in PICTURES + ARRAYS:
        raise ConfigError(
            f"--out {args.out!r}: unknown file type; use one of {', '.join(PICTURES + ARRAYS)}"
        )
    if out.is_dir():
        raise ConfigError(f"--out {args.out!r} is a folder; give a file name, e.g. samples.png")
    require_writable_folder("--out", out.parent)  # before the checkpoint is loaded
    generator = generator_from_checkpoint(args.ckpt, args.trust_class_paths)
    with torch.no_grad():
        z = generator.sample_latent(args.n, generator=torch.Generator().manual_seed(args.seed))
        samples = generator(z)
    if out.suffix.lower() in ARRAYS:
        out.parent.mkdir(parents=True, exist_ok=True)
        key = "points" if samples.dim() == 2 else "images"
        np.savez_compressed(out, **{key: samples.numpy()})
    else:
        out = save_samples(samples, out)
    print(f"wrote {args.n} samples to {out}")
    return 0
