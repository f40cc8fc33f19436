"""Turning an escnn network into plain torch layers for fast inference.

escnn's own ``export`` covers convolutions, batch norms and pointwise
nonlinearities; the Fourier nonlinearities of continuous groups have none, so
we export them here: per field, a fixed linear map to samples on the group, the
pointwise function, and the fixed map back.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from escnn import nn as enn
from torch import Tensor, nn

from ginv_lightning.escnn_support.copy_sharing_types import copy_network


class FieldwiseFourierActivation(nn.Module):
    """Plain-torch form of ``escnn.nn.FourierPointwise`` with ELU (``FourierELU``)."""

    def __init__(self, fourier: enn.FourierPointwise) -> None:
        super().__init__()
        if fourier._function not in (F.elu, F.elu_):
            raise NotImplementedError("only FourierELU can be exported")
        self.fields = len(fourier.in_type)
        self.register_buffer("to_samples", fourier.A.detach().clone())
        self.register_buffer("to_spectrum", fourier.Ainv.detach().clone())

    def forward(self, x: Tensor) -> Tensor:
        coefficients = x.unflatten(1, (self.fields, -1))
        samples = F.elu(torch.einsum("bcf...,gf->bcg...", coefficients, self.to_samples))
        out = torch.einsum("bcg...,fg->bcf...", samples, self.to_spectrum)
        return out.flatten(1, 2)


@torch.no_grad()
def export_sequential(network: enn.SequentialModule) -> nn.Sequential:
    """Plain torch layers computing what ``network`` computes in eval mode.

    A copy is exported, and ``network`` keeps its mode: escnn exports only in
    eval mode, and entering it caches expanded filters in the module. The copy
    is taken in train mode, so that no cached filter carrying autograd history
    comes along, and shares escnn's types (see ``nn.copying``).
    """
    was_training = network.training
    network.train()
    copied = copy_network(network).eval()
    network.train(was_training)
    layers = []
    for layer in copied.children():
        if isinstance(layer, enn.FourierPointwise):
            layers.append(FieldwiseFourierActivation(layer))
        else:
            layers.append(layer.export())
    return nn.Sequential(*layers).eval()
