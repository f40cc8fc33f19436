"""ginv-sets: exchanging the order of items, for ginv-lightning.

A plugin whose groups are not escnn gspaces: they implement the core's
:class:`ginv_lightning.symmetry.contract.GroupAction` in plain torch and bring
their own networks. It registers, through the ``ginv.groups`` entry points (see
``pyproject.toml``):

- ``S<k>``: the symmetric group of all k! orderings of a set of k items, acting
  on batches of sets (N, k, d) by permuting the items;
- ``CxS`` (``{name: CxS, n: 4, k: 8}``): the product of the planar rotations C<n>
  with S<k>, acting on sets of 2-D points by rotating every point and permuting
  the points.

Its networks (:mod:`ginv_sets.networks`) are exactly equivariant and invariant:
a generator that maps i.i.d. noise per item through DeepSets layers, and a
discriminator that pools over the items. This ``__init__`` imports nothing
heavy: ``ginv groups list`` imports the plugin to list its groups.
"""

__version__ = "0.1.0"
