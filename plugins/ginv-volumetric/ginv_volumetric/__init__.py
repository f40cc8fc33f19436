"""ginv-volumetric: the symmetry groups of the cube for ginv-lightning, and voxel data.

A third-party plugin of ginv-lightning. It registers two groups through the
``ginv.groups`` entry points (see ``pyproject.toml``): ``octahedral``, the 24
rotations of the cube (escnn's ``octaOnR3``), and ``full_octahedral``, those
rotations with the reflections, 48 elements (``fullOctaOnR3``). Both act on
voxel grids by permuting and reversing axes, so the action is exact.

It also ships the data and the measuring instrument a 3-D GAN needs:
:class:`ginv_volumetric.polycubes.Polycubes`, a seeded, procedurally generated
data set of randomly oriented polycubes, and
:class:`ginv_volumetric.features.ShapeStatistics`, features for FID/KID on voxels.

This ``__init__`` imports nothing heavy: ``ginv groups list`` imports it (through
``ginv_volumetric.groups``) just to list the groups.
"""

__version__ = "0.1.0"
