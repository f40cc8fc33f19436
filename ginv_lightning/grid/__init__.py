"""The grid engine of ``ginv compare`` and ``ginv study``: cells, records, progress, launchers.

A grid is a list of cells (fits) whose results are kept as one JSON record
each under ``out`` (:class:`~ginv_lightning.grid.protocol.Grid`). The engine
(:func:`~ginv_lightning.grid.engine.run_grid`) claims the folder for its grid,
refuses a folder another grid wrote, skips the cells that have a record made
with the same settings, and runs the others here, in worker processes, or as
submitit jobs (:mod:`~ginv_lightning.grid.launchers`), printing a line with the
time left as each finishes. The commands keep only their spec, their
measurement and their report.
"""
