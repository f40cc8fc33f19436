"""``ginv sample --ckpt PATH --n 64 --out grid.png``: samples from a checkpoint's EMA generator.

A PNG or JPEG gets one picture: an image grid, voxel grids as their projections,
points as scatter plots. A ``.npz`` gets the raw samples, as the array ``images``
((N, C, *grid) in [-1, 1]) or ``points`` ((N, d)), which is what 3-D samples
need to be looked at properly. A class-conditional checkpoint draws one row per
class, or per class of ``--labels 0,1,7`` (``--n`` samples each).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

PICTURES = (".png", ".jpg", ".jpeg")
ARRAYS = (".npz",)


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("sample", help="write samples from a checkpoint (picture or npz)")
    parser.add_argument("--ckpt", required=True, help="a checkpoint written by `ginv fit`")
    parser.add_argument(
        "--n",
        type=int,
        help="number of samples (default 64); with --labels, samples per label (default 8)",
    )
    parser.add_argument(
        "--labels",
        help="class-conditional checkpoints: the classes to draw, e.g. 0,1,7 (one row each)",
    )
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
    from ginv_lightning.gan.restore import gan_from_checkpoint
    from ginv_lightning.persistence.output_folders import require_writable_folder
    from ginv_lightning.sample_pictures import save_samples

    wanted = _parse_labels(args.labels)
    if args.n is not None and args.n < 1:
        raise ConfigError(f"--n must be >= 1, got {args.n}")
    out = Path(args.out)
    if out.suffix.lower() not in PICTURES + ARRAYS:
        raise ConfigError(
            f"--out {args.out!r}: unknown file type; use one of {', '.join(PICTURES + ARRAYS)}"
        )
    if out.is_dir():
        raise ConfigError(f"--out {args.out!r} is a folder; give a file name, e.g. samples.png")
    require_writable_folder("--out", out.parent)  # before the checkpoint is loaded
    module = gan_from_checkpoint(args.ckpt, args.trust_class_paths)
    n = args.n if args.n is not None else _default_n(wanted, module.classes)
    labels = _labels_to_draw(wanted, module.classes, n, args.ckpt)
    module.sampler.eval()
    generator = module.sampler.export().eval()
    count = n if labels is None else len(labels)
    with torch.no_grad():
        z = generator.sample_latent(count, generator=torch.Generator().manual_seed(args.seed))
        samples = generator(z, *(() if labels is None else (labels,)))
    per_row = None if labels is None else count // (len(wanted) if wanted else module.classes)
    if out.suffix.lower() in ARRAYS:
        out.parent.mkdir(parents=True, exist_ok=True)
        arrays = {module.shape.array_key: samples.numpy()}
        if labels is not None:
            arrays["labels"] = labels.numpy()
        np.savez_compressed(out, **arrays)
    else:
        out = save_samples(module.shape, samples, out, per_row)
    print(f"wrote {count} samples to {out}")
    return 0


def _parse_labels(text: str | None) -> list[int] | None:
    from ginv_lightning.errors import ConfigError

    if text is None:
        return None
    try:
        labels = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        labels = []
    if not labels:
        raise ConfigError(f"--labels {text!r}: give class indices separated by commas, e.g. 0,1,7")
    return labels


def _default_n(wanted: list[int] | None, classes: int) -> int:
    """8 per label asked for, 8 per class of a conditional checkpoint, else 64."""
    if wanted is not None:
        return 8
    return 8 * classes if classes else 64


def _labels_to_draw(wanted: list[int] | None, classes: int, n: int, ckpt: str) -> Any:
    """Each sample's label: rows of the ``wanted`` classes, or of every class (None: no labels)."""
    import torch

    from ginv_lightning.errors import ConfigError
    from ginv_lightning.sample_pictures import class_rows

    if wanted is None:
        if classes and n % classes:
            below, above = n // classes * classes or classes, (n // classes + 1) * classes
            raise ConfigError(
                f"--n {n}: {ckpt!r} is class-conditional and draws one row per class, so --n "
                f"must be a multiple of its {classes} classes (e.g. {below} or {above}), or "
                "choose classes with --labels"
            )
        return class_rows(classes, n)  # n samples in all, one row per class
    if not classes:
        raise ConfigError(
            f"--labels: {ckpt!r} is not class-conditional (trained on unlabelled data); "
            "drop --labels"
        )
    outside = [label for label in wanted if not 0 <= label < classes]
    if outside:
        raise ConfigError(
            f"--labels: class {outside[0]} is outside [0, {classes}); this checkpoint knows "
            f"classes 0..{classes - 1}"
        )
    return torch.tensor(wanted).repeat_interleave(n)
