"""Learned closures of the 2D active-fluid moment model: m₄ from z and the strain rate e.

Both models are local and rotation-equivariant by construction. Under a rotation of the frame
by φ, z → z e^{2iφ}, e → e e^{2iφ} and m₄ must turn as e^{4iφ}; the products z², z e, e² do, and
real coefficients that depend only on the invariants

    |z|² (= 2 tr D·D − 1), |e|² (= 2 tr E·E), Re(z ē) (= 2 D:E)

keep that, and also equivariance under reflections (z, e, m₄ → conjugates).

- :class:`InvariantClosure`: m₄ = z² + (1 − |z|²) γ, γ = B(z² H₁ + z ê H₂ + ê² H₃),
  (H₁, H₂, H₃) = MLP(invariants), B a smooth map into the unit disk — the complex form of the
  paper's S:T ≈ c₀ I + c₁ D + c₂ E family, written so that every output is realizable.
- :class:`BinghamResidualClosure`: m₄ = Bingham(z) + z² G₁ + z ê G₂ with G = MLP(invariants):
  a learned correction that starts at Bingham (its last layer starts at zero).

The strain rate enters as ê = e / √(e_scale² + |e|²) (`e_scale` a typical |e| of the training
data): O(1) where the data are, and bounded (|ê| < 1) where a rollout strays beyond them, so an
unseen strain cannot blow the closure up.

Realizability. ⟨e^{2iθ}⟩ = z and ⟨e^{4iθ}⟩ = m₄ are the first two trigonometric moments of a
probability distribution in 2θ exactly when |m₄ − z²| ≤ 1 − |z|² (Schur: m₄ = z² + (1 − |z|²)γ
with |γ| ≤ 1). :class:`InvariantClosure` takes γ = B(·), B(w) = w tanh|w| / |w|, so its m₄ is
always the moment of some distribution; with it the moment model keeps |z| < 1 (at |z| → 1 the
alignment and flow terms of d|z|²/dt vanish and rotational diffusion pulls |z| back), also for
states and parameters outside the training data. Bingham is realizable by construction;
:class:`BinghamResidualClosure`'s correction is not constrained.
Both factors of B are invariants, so the equivariance holds.

Call ``model(z, e)`` on complex tensors of any shape; a model is itself a closure of
`solvers.spectral.MomentSolver2D` (``closure=model``), which passes e.
"""

from __future__ import annotations

import torch
from torch import nn

from solvers.spectral import bingham

from ..io import load_checkpoint, save_checkpoint


def _mlp(n_in: int, width: int, depth: int, n_out: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i in range(depth):
        layers += [nn.Linear(n_in if i == 0 else width, width), nn.Tanh()]
    layers.append(nn.Linear(width, n_out))
    return nn.Sequential(*layers)


def _bounded(m: torch.Tensor) -> torch.Tensor:
    """m tanh|m| / |m|: |result| < 1, ≈ m for small m, smooth (also at m = 0)."""
    r2 = m.real ** 2 + m.imag ** 2
    r = torch.sqrt(torch.where(r2 > 1e-12, r2, 1.0))
    return m * torch.where(r2 > 1e-12, torch.tanh(r) / r, 1.0 - r2 / 3)


class _Base(nn.Module):
    def __init__(self, width: int, depth: int, n_out: int, e_scale: float):
        super().__init__()
        if not e_scale > 0:
            raise ValueError(f"e_scale={e_scale!r} must be > 0")
        self.net = _mlp(3, width, depth, n_out)
        self.width, self.depth = width, depth
        self.register_buffer("e_scale", torch.tensor(float(e_scale)))

    def scaled_strain(self, e: torch.Tensor) -> torch.Tensor:
        """ê = e / √(e_scale² + |e|²)."""
        return e * torch.rsqrt(self.e_scale ** 2 + e.real ** 2 + e.imag ** 2)

    def invariants(self, z: torch.Tensor, es: torch.Tensor) -> torch.Tensor:
        """(|z|², |ê|², Re(z ê̄)) stacked on a last axis."""
        return torch.stack([z.real ** 2 + z.imag ** 2, es.real ** 2 + es.imag ** 2,
                            (z * es.conj()).real], dim=-1)

    def coefficients(self, z, es):
        inv = self.invariants(z, es).to(self.net[0].weight.dtype)
        return self.net(inv).to(z.real.dtype).unbind(-1)


class InvariantClosure(_Base):
    """m₄ = z² + (1 − |z|²) B(z² H₁ + z ê H₂ + ê² H₃) with (H₁, H₂, H₃) an MLP of the
    invariants: realizable for every input."""

    def __init__(self, width: int = 32, depth: int = 3, e_scale: float = 1.0):
        super().__init__(width, depth, 3, e_scale)

    def forward(self, z: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        es = self.scaled_strain(e)
        h1, h2, h3 = self.coefficients(z, es)
        gamma = _bounded(z * z * h1 + z * es * h2 + es * es * h3)
        return z * z + (1 - (z.real ** 2 + z.imag ** 2)) * gamma


class BinghamResidualClosure(_Base):
    """m₄ = Bingham(z) + z² G₁ + z ê G₂ with (G₁, G₂) an MLP of the invariants, started at
    zero so training starts from Bingham."""

    def __init__(self, width: int = 32, depth: int = 3, e_scale: float = 1.0):
        super().__init__(width, depth, 2, e_scale)
        with torch.no_grad():
            self.net[-1].weight.zero_()
            self.net[-1].bias.zero_()

    def forward(self, z: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        es = self.scaled_strain(e)
        g1, g2 = self.coefficients(z, es)
        return bingham(z) + z * z * g1 + z * es * g2


_MODELS = {cls.__name__: cls for cls in (InvariantClosure, BinghamResidualClosure)}


def save_closure(model: InvariantClosure | BinghamResidualClosure, path) -> None:
    """Write a learned closure (its class, size, strain scale and weights) to `path`."""
    save_checkpoint({"kind": type(model).__name__, "width": model.width,
                     "depth": model.depth, "e_scale": float(model.e_scale),
                     "dtype": str(next(model.parameters()).dtype), "state": model.state_dict()},
                    path)


def load_closure(path, *, device="cpu") -> InvariantClosure | BinghamResidualClosure:
    """A closure written by `save_closure`, on `device`, frozen for use in a solver (evaluation
    mode, no gradients; ``requires_grad_()`` to train it further)."""
    blob = load_checkpoint(path, device=device)
    if blob.get("kind") not in _MODELS:
        raise ValueError(f"{path} does not hold a learned closure (kinds: {sorted(_MODELS)})")
    model = _MODELS[blob["kind"]](blob["width"], blob["depth"], blob["e_scale"])
    dtype = torch.float64 if blob["dtype"] == "torch.float64" else torch.float32
    model = model.to(device=device, dtype=dtype)
    model.load_state_dict(blob["state"])
    return model.eval().requires_grad_(False)
