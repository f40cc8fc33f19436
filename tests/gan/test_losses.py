"""Each loss and penalty against values worked out by hand."""

from __future__ import annotations

import math

import pytest
import torch

from ginv_lightning.gan.losses import (
    Hinge,
    LipschitzAlpha,
    NonSaturating,
    RelativisticAverage,
    Wasserstein,
)
from ginv_lightning.gan.penalties import R1, GradientPenalty


def t(*values: float) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


def softplus(x: float) -> float:
    return math.log1p(math.exp(x))


def test_non_saturating():
    loss = NonSaturating()
    assert loss.discriminator(t(0.0), t(0.0)).item() == pytest.approx(2 * math.log(2))
    assert loss.discriminator(t(2.0), t(-1.0)).item() == pytest.approx(softplus(-2) + softplus(-1))
    assert loss.generator(None, t(-1.0)).item() == pytest.approx(softplus(1))


def test_relativistic_average_compares_each_side_with_the_other_mean():
    loss = RelativisticAverage()
    real, fake = t(1.0, 3.0), t(0.0, 2.0)  # means 2 and 1
    expected_d = (softplus(0) + softplus(-2)) / 2 + (softplus(-2) + softplus(0)) / 2
    assert loss.discriminator(real, fake).item() == pytest.approx(expected_d)
    expected_g = (softplus(2) + softplus(0)) / 2 + (softplus(0) + softplus(2)) / 2
    assert loss.generator(real, fake).item() == pytest.approx(expected_g)
    assert loss.generator_needs_real


def test_wasserstein():
    loss = Wasserstein()
    assert loss.discriminator(t(1.0, 3.0), t(0.0, 2.0)).item() == pytest.approx(-1.0)
    assert loss.generator(None, t(0.0, 2.0)).item() == pytest.approx(-1.0)


def test_hinge():
    loss = Hinge()
    assert loss.discriminator(t(0.5, 2.0), t(-2.0, 0.0)).item() == pytest.approx(0.75)
    assert loss.generator(None, t(-2.0, 0.0)).item() == pytest.approx(1.0)


def test_lipschitz_alpha_two():
    loss = LipschitzAlpha(alpha=2.0)
    # f*(y) = relu(y)^2 / 2 + 1/2 for alpha = 2
    assert loss.conjugate(t(2.0)).item() == pytest.approx(2.5)
    assert loss.conjugate(t(-3.0)).item() == pytest.approx(0.5)
    assert loss.discriminator(t(1.0), t(2.0)).item() == pytest.approx(1.5)
    assert loss.generator(None, t(2.0)).item() == pytest.approx(-2.5)


@pytest.mark.parametrize("alpha", [1.5, 2.0, 3.0])
def test_alpha_conjugate_is_the_legendre_transform_of_f_alpha(alpha):
    x = torch.linspace(0, 20, 200001, dtype=torch.float64)
    f = (x**alpha - 1) / (alpha * (alpha - 1))
    loss = LipschitzAlpha(alpha=alpha)
    for y in (-1.0, 0.0, 0.5, 1.0, 2.0):
        numerical = (x * y - f).max().item()  # sup over the domain x >= 0
        assert loss.conjugate(t(y)).item() == pytest.approx(numerical, abs=1e-6)


def test_alpha_must_exceed_one():
    with pytest.raises(ValueError, match="alpha must be > 1"):
        LipschitzAlpha(alpha=1.0)


class Linear(torch.nn.Module):
    """D(x) = <w, x>: its input gradient is w everywhere."""

    def __init__(self, w: torch.Tensor) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(w)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x.flatten(1) * self.w).sum(1)


class Quadratic(torch.nn.Module):
    """D(x) = c ||x||^2 / 2: its input gradient is c x."""

    def __init__(self) -> None:
        super().__init__()
        self.c = torch.nn.Parameter(torch.tensor(1.0, dtype=torch.float64))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.c * x.flatten(1).pow(2).sum(1) / 2


def test_r1_equals_half_gamma_squared_gradient_norm_and_reaches_the_parameters():
    w = t(3.0, 4.0)  # ||w|| = 5
    critic = Linear(w.clone())
    real = torch.randn(6, 2, dtype=torch.float64)
    penalty = R1(gamma=0.2)(critic, real, real)
    assert penalty.item() == pytest.approx(0.1 * 25)
    penalty.backward()
    assert torch.allclose(critic.w.grad, 0.2 * w)  # d/dw gamma/2 ||w||^2


def test_r1_uses_the_real_samples():
    critic = Quadratic()
    real, fake = t(1.0, 2.0).view(1, 2), t(10.0, 10.0).view(1, 2)
    assert R1(gamma=2.0)(critic, real, fake).item() == pytest.approx(5.0)  # ||x||^2


def test_two_sided_gradient_penalty():
    critic = Linear(t(3.0, 4.0))
    real, fake = torch.randn(8, 2, dtype=torch.float64), torch.randn(8, 2, dtype=torch.float64)
    assert GradientPenalty(weight=10.0)(critic, real, fake).item() == pytest.approx(10 * 16)


def test_one_sided_gradient_penalty_ignores_small_gradients():
    real, fake = torch.randn(8, 2, dtype=torch.float64), torch.randn(8, 2, dtype=torch.float64)
    steep = GradientPenalty(weight=10.0, one_sided=True)(Linear(t(3.0, 4.0)), real, fake)
    assert steep.item() == pytest.approx(10 * (25 - 1))
    gentle = GradientPenalty(weight=10.0, one_sided=True)(Linear(t(0.3, 0.4)), real, fake)
    assert gentle.item() == 0.0


def test_gradient_penalty_is_taken_on_interpolates():
    """For D = c||x||^2/2 the gradient norm at t*real + (1-t)*fake lies between the endpoints'."""
    critic = Quadratic()
    real = torch.zeros(1000, 1, dtype=torch.float64)
    fake = torch.full((1000, 1), 2.0, dtype=torch.float64)
    torch.manual_seed(0)
    penalty = GradientPenalty(weight=1.0)(critic, real, fake)
    # ||grad|| = 2(1-t) with t ~ U[0,1]: E[(2u - 1)^2] = 1/3 for u ~ U[0,1]
    assert penalty.item() == pytest.approx(1 / 3, abs=0.03)


def test_r1_from_the_loss_scores_equals_r1_from_its_own_forward():
    from ginv_lightning.nn import ImageShape, InvariantDiscriminator
    from ginv_lightning.symmetry import resolve_group

    torch.manual_seed(0)
    critic = InvariantDiscriminator(resolve_group("C4"), ImageShape(1, 16), widths=[2, 3, 4])
    real = torch.randn(6, 1, 16, 16)
    separate = R1(gamma=0.1)(critic, real, real)
    (separate_grads,) = torch.autograd.grad(separate, critic.net[0].weights)
    tracked = real.clone().requires_grad_(True)
    reused = R1(gamma=0.1)(critic, tracked, real, real_scores=critic(tracked))
    (reused_grads,) = torch.autograd.grad(reused, critic.net[0].weights)
    assert torch.allclose(separate, reused, atol=1e-6)
    assert torch.allclose(separate_grads, reused_grads, atol=1e-6)
