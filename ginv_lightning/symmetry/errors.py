"""Errors raised while naming, parsing or loading a symmetry group.

They subclass ``ValueError`` so that LightningCLI / jsonargparse report them as a
bad argument value, with our message, instead of a traceback.
"""


class GroupError(ValueError):
    """Base class of every error about a symmetry group."""


class UnknownGroupError(GroupError):
    """No installed plugin registers the requested name."""


class GroupSpecError(GroupError):
    """A group was named correctly but its parameters are not accepted."""


class BrokenGroupPluginError(GroupError):
    """The plugin that registers a group could not be imported, or its ``build()`` failed."""


class DuplicateGroupError(GroupError):
    """A name can be read as groups from two distributions (same name, or a family's shorthand)."""


class GroupOriginError(GroupError):
    """A checkpoint's group now comes from another distribution than the one that trained it."""


class GroupVersionWarning(UserWarning):
    """A checkpoint's group comes from another version of its distribution than it was saved by."""
