"""The ``ginv`` command: Lightning's fit/validate/test/predict plus ginv's own commands.

Only what a command needs is imported, so ``ginv --help`` and ``ginv groups list``
start without torch; known user errors print one line, not a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

TRAINER_COMMANDS = ("fit", "validate", "test", "predict")

OVERVIEW = """\
usage: ginv <command> [options]

Group-invariant GANs on PyTorch Lightning.

training (LightningCLI; `ginv fit --help` lists every option):
  fit        train:    ginv fit --config configs/rotdigits_c4.yaml
  validate   evaluate a checkpoint on the validation split
  test       evaluate a checkpoint on the test split
  predict    run the model's predict step

ginv's own:
  groups     list and inspect the installed symmetry groups (plugins)
  sample     write a grid of samples from a checkpoint
  params     parameter counts of the networks of one or more configs
  bench      cost of equivariant vs plain models, side by side
  study      the sample-complexity study: ginv study --config configs/study_gmm_c4.yaml
"""


def _own_commands() -> argparse.ArgumentParser:
    from ginv_lightning.commands import bench, groups, params, sample, study

    parser = argparse.ArgumentParser(prog="ginv")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in (groups, sample, params, bench, study):
        module.add_parser(commands)
    return parser


def _known_errors() -> tuple[type[BaseException], ...]:
    from ginv_lightning.errors import ConfigError, DataError, NonFiniteLossError
    from ginv_lightning.symmetry.errors import GroupError

    return (ConfigError, DataError, GroupError, NonFiniteLossError)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(OVERVIEW)
        return 0
    try:
        if args[0] in TRAINER_COMMANDS:
            from ginv_lightning.commands.train import run_lightning

            run_lightning(None if argv is None else args)
            return 0
        parsed = _own_commands().parse_args(args)
        return parsed.run(parsed)
    except _known_errors() as exc:
        print(f"ginv: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
