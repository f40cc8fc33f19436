"""The ``ginv`` command: Lightning's fit/validate/test/predict plus ginv's own commands.

Only what a command needs is imported, so ``ginv --help`` and ``ginv groups list``
start without torch; known user errors print one line, not a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ginv_lightning.huge_pages import reexec_with_huge_pages

TRAINER_COMMANDS = ("fit", "validate", "test", "predict")
# Commands that train or time networks: only they are worth a restart with huge pages.
HEAVY_COMMANDS = (*TRAINER_COMMANDS, "compare", "study", "bench")

OVERVIEW = """\
usage: ginv <command> [options]

Group-invariant GANs on PyTorch Lightning.

training (LightningCLI; `ginv fit --help` lists every option):
  fit        train:    ginv fit --config rotdigits_c4   (a shipped config, or a path)
  validate   evaluate a checkpoint on the validation split
  test       evaluate a checkpoint on the test split
  predict    run the model's predict step

ginv's own:
  configs    list the shipped configs, or copy one to edit it
  groups     list and inspect the installed symmetry groups (plugins)
  sample     write a grid of samples from a checkpoint
  params     parameter counts of the networks of one or more configs
  bench      cost of equivariant vs plain models, side by side
  study      the sample-complexity study: ginv study --config study_gmm_c4
  compare    configs side by side on less data: ginv compare --config compare_efficiency
  data       is the data invariant? ginv data check --config rotdigits_c4 --groups C4 flip
"""


def _own_commands() -> argparse.ArgumentParser:
    from ginv_lightning.commands import (
        bench,
        compare,
        configs,
        data,
        groups,
        params,
        sample,
        study,
    )

    parser = argparse.ArgumentParser(prog="ginv")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in (configs, groups, sample, params, bench, study, compare, data):
        module.add_parser(commands)
    return parser


def _known_errors() -> tuple[type[BaseException], ...]:
    from ginv_lightning.errors import (
        ConfigError,
        DataError,
        DiskFullError,
        JobsFailedError,
        NonFiniteLossError,
    )
    from ginv_lightning.symmetry.errors import GroupError

    return (ConfigError, DataError, GroupError, NonFiniteLossError, JobsFailedError, DiskFullError)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if argv is None and args and args[0] in HEAVY_COMMANDS:  # the console script's own process
        reexec_with_huge_pages()
    if not args or args[0] in ("-h", "--help"):
        print(OVERVIEW)
        return 0
    try:
        if args[0] in TRAINER_COMMANDS:
            from ginv_lightning.commands.train import run_lightning

            run_lightning(with_config_files(args))
            return 0
        parsed = _own_commands().parse_args(args)
        return parsed.run(parsed)
    except _known_errors() as exc:
        _say_error(exc)
        return 2
    except ValueError as exc:
        known = _known_cause(exc)
        if known is None:
            raise
        _say_error(known)
        return 2
    except Exception as exc:  # a full disk, wherever the write was (teardown may add causes)
        from ginv_lightning.persistence.disk_space import disk_full, is_disk_full

        if not is_disk_full(exc):
            raise
        known = _known_cause(exc) or disk_full(exc)
        _say_error(known)
        return 2


def _say_error(error: BaseException) -> None:
    """The one error line, in one write: the processes of a distributed run share stderr,
    and ``print``'s separate write of the newline let their lines run together."""
    sys.stderr.write(f"ginv: error: {error}\n")
    sys.stderr.flush()


def _known_cause(exc: BaseException) -> BaseException | None:
    """The ginv error behind ``exc``: jsonargparse re-raises a data module's ConfigError
    as a ValueError ("Does not validate against any of the Union subtypes")."""
    from ginv_lightning.errors import causes

    return next((c for c in causes(exc) if isinstance(c, _known_errors())), None)


def with_config_files(args: Sequence[str]) -> list[str]:
    """The arguments with each ``--config NAME`` of a shipped config replaced by its file."""
    from ginv_lightning.shipped_configs import find_config

    resolved = list(args)
    for i, arg in enumerate(resolved):
        if arg in ("-c", "--config") and i + 1 < len(resolved):
            resolved[i + 1] = str(find_config(resolved[i + 1]))
        elif arg.startswith("--config="):
            resolved[i] = f"--config={find_config(arg.partition('=')[2])}"
    return resolved


if __name__ == "__main__":
    sys.exit(main())
