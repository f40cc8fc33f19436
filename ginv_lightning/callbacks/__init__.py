"""Lightning callbacks: sample grids."""

from ginv_lightning.callbacks.samples import SampleGrid

__all__ = ["SampleGrid"]
