"""What a run leaves on disk and how it is picked up again.

- ``atomic_files``: every file replaced in one step.
- ``checkpoints``: atomic checkpoint writes, weights-only reads.
- ``csv_logger``: a CSV logger that appends when a run resumes.
- ``identity``: which log directory and W&B run a checkpoint belongs to.
- ``resume``: ``--ckpt_path last``, resolved to the newest checkpoint and its logs.
- ``quiet_trainer``: the trainer of short unlogged fits (benchmarks, studies).
"""
