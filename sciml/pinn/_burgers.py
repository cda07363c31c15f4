"""The Burgers PINN benchmark on the shared layer: u_t + u u_x = ν u_xx on [−1, 1] × [0, 1],
u(x, 0) = −sin(πx), u(±1, t) = 0, ν = 0.01/π (Raissi et al. 2019; DeepXDE's stock example).

Both conditions are hard (`initial_boundary`: u = −sin(πx) + t(1 − x²)·N), so the loss is the
PDE residual alone; training is the layer's Adam → L-BFGS schedule in float64, with the
residual-based refinement of DeepXDE's example (points added where |r| is largest before
L-BFGS). The reference is `solvers.spectral.burgers_sine_exact` (Cole–Hopf, Gauss–Hermite).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
import xarray as xr

from solvers._checks import check_integer, check_positive
from solvers.spectral import burgers_sine_exact

from ._backend import deepxde
from ._checkpoint import Checkpoint
from ._constraints import initial_boundary, interval_distance
from ._training import Schedule, train


@dataclass(frozen=True)
class BurgersPINNConfig:
    """A Burgers PINN: `layers` hidden widths (tanh), `collocation` random interior points,
    `refine` points added where the residual is largest before L-BFGS (0: none), `hard` initial
    and boundary conditions (else soft, on `boundary` + `initial` points), viscosity `nu`."""

    nu: float = 0.01 / math.pi
    layers: tuple[int, ...] = (32, 32, 32)
    collocation: int = 8000
    refine: int = 2000
    hard: bool = True
    boundary: int = 80
    initial: int = 160
    schedule: Schedule = field(default_factory=lambda: Schedule(
        adam=10000, lr=1e-3, decay=0.9, decay_every=1000, lbfgs=10000, record_every=200,
        checkpoint_every=1000))

    def __post_init__(self):
        check_positive("nu", self.nu)
        if not self.layers or any(not (isinstance(w, int) and w >= 1) for w in self.layers):
            raise ValueError(f"layers={self.layers!r} must be a non-empty tuple of integers >= 1")
        for name in ("collocation", "boundary", "initial"):
            check_integer(name, getattr(self, name), 1)
        check_integer("refine", self.refine, 0)


@dataclass
class BurgersPINNResult:
    rel_l2: float
    history: xr.Dataset
    seconds: float
    model: object
    config: BurgersPINNConfig


def burgers_residual(nu: float):
    """The PDE residual r = u_t + u u_x − ν u_xx for DeepXDE (inputs (x, t))."""
    dde = deepxde()

    def pde(x, u):
        u_x = dde.grad.jacobian(u, x, i=0, j=0)
        u_t = dde.grad.jacobian(u, x, i=0, j=1)
        u_xx = dde.grad.hessian(u, x, i=0, j=0)
        return u_t + u * u_x - nu * u_xx

    return pde


def burgers_model(config: BurgersPINNConfig = BurgersPINNConfig()):
    """The DeepXDE model (geometry × time, residual, network with the hard constraints or the
    soft conditions) and its residual function."""
    dde = deepxde()
    geom = dde.geometry.GeometryXTime(dde.geometry.Interval(-1.0, 1.0),
                                      dde.geometry.TimeDomain(0.0, 1.0))
    pde = burgers_residual(config.nu)
    net = dde.nn.FNN([2, *config.layers, 1], "tanh", "Glorot normal")
    if config.hard:
        initial_boundary(lambda x: -torch.sin(math.pi * x[:, :1]),
                         interval_distance([(-1.0, 1.0)], [0]), t_column=1).apply(net)
        conditions, n_b, n_i = [], 0, 0
    else:
        conditions = [
            dde.icbc.DirichletBC(geom, lambda x: 0.0, lambda _, on: on),
            dde.icbc.IC(geom, lambda x: -np.sin(np.pi * x[:, :1]), lambda _, on: on)]
        n_b, n_i = config.boundary, config.initial
    data = dde.data.TimePDE(geom, pde, conditions, num_domain=config.collocation,
                            num_boundary=n_b, num_initial=n_i)
    return dde.Model(data, net), pde


def burgers_error(model, *, nx: int = 256, nt: int = 101, nu: float = 0.01 / math.pi) -> float:
    """Relative L2 error against the exact solution on an nx × nt grid of [−1, 1] × [0, 1]."""
    x, t = np.meshgrid(np.linspace(-1, 1, nx), np.linspace(0, 1, nt))
    pts = np.stack([x.ravel(), t.ravel()], 1)
    exact = burgers_sine_exact(pts[:, 0], pts[:, 1], nu=nu)
    pred = np.asarray(model.predict(pts))[:, 0]
    return float(np.linalg.norm(pred - exact) / np.linalg.norm(exact))


def train_burgers_pinn(config: BurgersPINNConfig = BurgersPINNConfig(), *, seed: int = 0,
                       checkpoint=None, resume: bool = False,
                       progress: Callable[[int], None] | None = None) -> BurgersPINNResult:
    """Train the benchmark with the layer's schedule (the network is float64 when the layer
    was `configure`d so) and return its error against the exact solution."""
    dde = deepxde()
    dde.config.set_random_seed(seed)
    t0 = time.perf_counter()
    model, pde = burgers_model(config)
    ckpt = None
    if checkpoint is not None:
        meta = {"problem": "burgers", "config": repr(config), "seed": seed}
        ckpt = Checkpoint(checkpoint, model.net, [], meta)
        if resume:
            ckpt.resume()

    def refine():
        if config.refine:
            rng = np.random.default_rng(seed)
            cand = np.stack([rng.uniform(-1, 1, 20 * config.refine),
                             rng.uniform(0, 1, 20 * config.refine)], 1)
            r = np.abs(np.asarray(model.predict(cand, operator=pde)))[..., 0].ravel()
            model.data.add_anchors(cand[np.argsort(r)[-config.refine:]])

    history = train(model, [], config.schedule, progress=progress, before_lbfgs=refine,
                    checkpoint=ckpt)
    return BurgersPINNResult(burgers_error(model, nu=config.nu), history,
                             time.perf_counter() - t0, model, config)
