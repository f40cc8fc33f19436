"""What a run leaves on disk, how it is picked up again, and what is safe to read back.

- ``atomic_files``: every file replaced in one step; temporaries of killed writers removed.
- ``output_folders``: output folders checked before anything is created.
- ``run_directory``: each run's own directory, claimed atomically, with its experiment record.
- ``checkpoints``: atomic checkpoint writes, weights-only reads.
- ``trusted_classes``: which class paths a checkpoint may name before anything is imported.
- ``resume``: ``--ckpt_path last`` (the same experiment's newest checkpoint) and checked paths.
- ``checkpoint_keys``: what ginv adds to a checkpoint, each under its own key.
- ``csv_logger``: a CSV logger that appends when a run resumes.
"""
