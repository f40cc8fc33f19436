"""``ginv params CONFIG [CONFIG ...]``: parameter counts of the networks that configs build."""

from __future__ import annotations

import argparse


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "params", help="parameter counts of generator and discriminator, config by config"
    )
    parser.add_argument(
        "configs", nargs="+", help="`ginv fit` configs: shipped names (rotdigits_c4) or paths"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ginv_lightning.experiment import experiment_from_config
    from ginv_lightning.nn.base import count_parameters

    rows = [("CONFIG", "DATA", "GROUP", "GENERATOR", "G PARAMS", "DISCRIMINATOR", "D PARAMS")]
    for config in args.configs:
        module = experiment_from_config(config).model
        rows.append((
            config, module.shape.describe(), module.symmetry.name,
            type(module.generator).__name__, str(count_parameters(module.generator)),
            type(module.discriminator).__name__, str(count_parameters(module.discriminator)),
        ))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 0
