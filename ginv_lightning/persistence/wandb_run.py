"""A ``ginv`` run finishes the W&B run it started, so the next one in the process gets its own.

Lightning's ``WandbLogger`` leaves its run open when training ends (notebooks
keep logging to it), and the next ``WandbLogger`` created in the same process
reuses any open run. A process that runs ``ginv fit`` twice (the Python API,
a notebook, the test suite) would log the second run into the first one's
directory; finishing what each run started keeps them apart. A run that was
open before (the user's own) is left open.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path


@contextmanager
def wandb_run_finished_after() -> Iterator[None]:
    """Within the block, a W&B run started there is finished when the block ends or fails."""
    import wandb

    before = wandb.run
    try:
        yield
    except BaseException:
        _finish_started(before, exit_code=1)
        raise
    _finish_started(before, exit_code=0)


def _finish_started(before: object, exit_code: int) -> None:
    import wandb

    if wandb.run is not None and wandb.run is not before:
        wandb.finish(exit_code=exit_code)


def finish_run_in(folder: Path) -> None:
    """Finish the W&B run logging into ``folder`` without its footer, before the folder goes.

    A run that fails before its first step removes its folder; W&B's footer would
    still tell the user to ``wandb sync`` the offline run inside it.
    """
    import wandb

    run = wandb.run
    if run is None or not Path(run.dir).resolve().is_relative_to(folder.resolve()):
        return
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        wandb.finish(exit_code=1)
