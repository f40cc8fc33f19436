"""Class labels into the networks without breaking exact equivariance or invariance.

A class label is invariant under the group (a rotated 7 is still a 7), so it may
enter a generator as extra channels that no group element moves: the trivial
fields of an equivariant network's input, broadcast over its grid. Then
G(g.z, y) = g.G(z, y) exactly. A discriminator keeps D(g.x, y) = D(x, y) if the
label meets only its invariant features: the projection head of Miyato &
Koyama (2018), D(x, y) = psi(phi(x)) + <embed(y), phi(x)>.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

LABEL_CHANNELS = 16  # channels of a generator's class embedding


def check_labels(labels: Tensor | None, classes: int, what: str) -> Tensor | None:
    """``labels`` when they fit the network (none for an unconditional one), else ValueError."""
    if not classes:
        if labels is not None:
            raise ValueError(f"this {what} is not class-conditional: give no labels")
        return None
    if labels is None:
        raise ValueError(f"this {what} is class-conditional: give labels in [0, {classes})")
    if labels.dim() != 1:
        raise ValueError(f"labels must be a 1-D tensor of class indices, got shape "
                         f"{tuple(labels.shape)}")  # fmt: skip
    if len(labels) and (int(labels.min()) < 0 or int(labels.max()) >= classes):
        bad = labels[(labels < 0) | (labels >= classes)][0]
        raise ValueError(f"label {int(bad)} is outside [0, {classes}); this {what} knows "
                         f"classes 0..{classes - 1}")  # fmt: skip
    return labels


def label_args(labels: Tensor | None) -> tuple[Tensor, ...]:
    """Labels as call arguments: none at all for an unconditional call, so any network works."""
    return () if labels is None else (labels,)


class LabelChannels(nn.Module):
    """A learnt vector per class, appended to a generator's input as constant channels.

    Args:
        classes: number of classes.
        channels: length of each class's vector (extra input channels).
    """

    def __init__(self, classes: int, channels: int = LABEL_CHANNELS) -> None:
        super().__init__()
        self.classes = classes
        self.channels = channels
        self.embedding = nn.Embedding(classes, channels)

    def forward(self, z: Tensor, labels: Tensor | None) -> Tensor:
        labels = check_labels(labels, self.classes, "generator")
        assert labels is not None
        vectors = self.embedding(labels.to(z.device)).to(z.dtype)
        grid = z.shape[2:]
        vectors = vectors.reshape(*vectors.shape, *([1] * len(grid))).expand(-1, -1, *grid)
        return torch.cat([z, vectors], 1)


def label_channels(classes: int) -> LabelChannels | None:
    """The class embedding of a generator built for ``classes`` classes (none when 0)."""
    return LabelChannels(classes) if classes else None


def label_width(embedding: LabelChannels | None) -> int:
    """Input channels a generator gives its class embedding (0 when unconditional)."""
    return 0 if embedding is None else embedding.channels


def with_labels(z: Tensor, labels: Tensor | None, embedding: LabelChannels | None) -> Tensor:
    """A generator's input: the noise, and the class channels when it is conditional."""
    if embedding is None:
        check_labels(labels, 0, "generator")
        return z
    return embedding(z, labels)


class ProjectionHead(nn.Linear):
    """A discriminator's score from its invariant features phi: psi(phi) [+ <embed(y), phi>].

    An ``nn.Linear`` (psi) so that unconditional networks keep their layers and
    checkpoint keys; with ``classes`` it adds the projection of each image's
    class vector on its features (Miyato & Koyama 2018). Returns (N, 1).
    """

    def __init__(self, features: int, classes: int = 0) -> None:
        super().__init__(features, 1)
        self.classes = classes
        self.embedding = nn.Embedding(classes, features) if classes else None

    def forward(self, features: Tensor, labels: Tensor | None = None) -> Tensor:
        labels = check_labels(labels, self.classes, "discriminator")
        score = super().forward(features)
        if self.embedding is None or labels is None:
            return score
        projection = self.embedding(labels.to(features.device)).to(features.dtype) * features
        return score + projection.sum(-1, keepdim=True)


def grid_score(head: nn.Module, features: Tensor, labels: Tensor | None = None) -> Tensor:
    """One score per sample from a feature map (N, C, *grid): the grid's mean, then ``head``."""
    return head(features.flatten(2).mean(-1), labels).squeeze(-1)
