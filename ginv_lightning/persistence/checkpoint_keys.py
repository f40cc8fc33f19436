"""What ginv adds to Lightning's checkpoint dictionary, each under its own key.

- ``EXPERIMENT_KEY``: the ``model:`` and ``data:`` sections (and what the run was
  named), so a restore rebuilds exactly what was trained (``experiment.py``);
- ``GROUP_KEY``: which distribution, and which version of it, provided the group
  (``symmetry.provenance``), checked before a checkpoint's group is built;
- ``RUN_KEY``: which W&B run the checkpoint belongs to, so a resume continues it.
"""

EXPERIMENT_KEY = "ginv_experiment"
GROUP_KEY = "ginv_group"
RUN_KEY = "ginv_run"
