"""What ginv does around escnn, side by side: each module works around one escnn behaviour.

- ``eval_mode``: eval mode and back through ``train()``, so cached filters are rebuilt and dropped.
- ``eval_filter_buffers``: the filters escnn caches in eval mode, kept out of checkpoints.
- ``expand_filters_once``: one filter expansion per optimisation step instead of one per call.
- ``copy_sharing_types``: deep copies that share escnn's immutable groups and field types.
- ``walk_without_hashing``: module and parameter walks that never hash escnn's kernel bases.
- ``plain_forward``: escnn layers' forward in plain torch, channels-last (``model.fast_path``).
- ``seeded_numerics``: escnn's numerical bases independent of numpy's global generator.
- ``character_decomposition``: tensor products of a finite group's irreps split by characters.
"""

from ginv_lightning.escnn_support import character_decomposition, seeded_numerics

# whatever imports escnn through ginv gets escnn's bases seeded, and finite groups' tensor
# products decomposed without a solve (see each module)
seeded_numerics.install()
character_decomposition.install()
