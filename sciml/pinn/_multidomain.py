"""Multi-domain PINNs: a box cut across x into subdomains, one DeepXDE network each, stitched by
interface conditions that are switched on and off one by one.

The nine candidate interface terms (`INTERFACE_TERMS`, the order of the bits of an *arm*, an
integer in [0, 512)) on an interface x = c between the networks a (left) and b (right),
evaluated at points (c, y) along it; r is the PDE residual, F the PDE's flux normal to the
interface:

=====================  ===========================================
``solution``            (u_a − u_b)²
``average``             (u_a − ū)² + (u_b − ū)², ū = (u_a + u_b)/2  (XPINN)
``residual``            r_a² + r_b²
``residual_continuity`` (r_a − r_b)²
``flux``                (F_a − F_b)²
``d2u_dy2``             (∂²u_a/∂y² − ∂²u_b/∂y²)²   (y is t for a time-dependent problem)
``residual_gradient``   (∂r_a/∂x)² + (∂r_b/∂x)²  (gPINN's gradient of the residual)
``du_dx``               (∂u_a/∂x − ∂u_b/∂x)²
``d2u_dx2``             (∂²u_a/∂x² − ∂²u_b/∂x²)²
=====================  ===========================================

each averaged over the interface points and summed over interfaces, with weight 1, beside the
mean squared residual of every subdomain. Initial and Dirichlet conditions are hard (the
layer's `initial_boundary` / `dirichlet` in every network's output transform, in global
coordinates); a periodic family adds the soft term (u_first(x₀, y) − u_last(x₁, y))².

`FAMILIES` holds the four parametric families, each with its exact solution:

- ``burgers``: u_t + u u_x = ν u_xx on [−1, 1] × [0, 1], u₀ = −sin πx, u(±1) = 0,
  ν ∈ [0.001, 0.05]; cut at x = ±0.1 (a subdomain around the shock); F = u²/2 − ν u_x;
  reference Cole–Hopf (`solvers.spectral.burgers_sine_exact`).
- ``advection``: u_t + β u_x = 0 on [0, 2π] × [0, 1], periodic, u₀ = sin x, β ∈ [1, 30];
  cut at x = π; F = βu; exact sin(x − βt).
- ``reaction``: u_t = ρ u(1 − u) on [0, 2π] × [0, 1], periodic, u₀ a Gaussian bump,
  ρ ∈ [1, 15]; cut at x = π; no flux in x, so F = ∂u/∂x (the flux of a vanishing
  diffusion); exact logistic growth at every x.
- ``poisson``: u_xx + u_yy + f = 0 on [0, 1]², u = sin(ωπx) sin(πy) (f and the Dirichlet
  data from it), ω ∈ [1, 6]; cut at x = 0.5; F = ∂u/∂x.

`train_multidomain` trains a batch of jobs, each a PDE parameter with one arm (or one arm for
Adam and another for L-BFGS, the two-stage variant), and returns their relative L2 errors on a
grid.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from solvers._checks import check_integer, check_positive
from solvers.spectral import burgers_sine_exact

from ._constraints import OutputTransform, dirichlet, initial_boundary, interval_distance
from ._lbfgs import batched_lbfgs

INTERFACE_TERMS = ("solution", "average", "residual", "residual_continuity", "flux", "d2u_dy2",
                   "residual_gradient", "du_dx", "d2u_dx2")
N_ARMS = 2 ** len(INTERFACE_TERMS)
DEFAULT_TERMS = ("solution", "residual_continuity")
ERROR_CAP = 1.0  # relative L2 errors are capped here (a zero prediction scores 1)


def capped_errors(rel_l2) -> np.ndarray:
    """Relative errors capped at `ERROR_CAP`; a non-finite or missing (None) one is the cap."""
    e = np.array([np.nan if v is None else v for v in np.atleast_1d(rel_l2)], dtype=float)
    return np.where(np.isfinite(e), np.minimum(e, ERROR_CAP), ERROR_CAP)


def check_arm(arm, name: str = "arm") -> int:
    if not isinstance(arm, (int, np.integer)) or not 0 <= arm < N_ARMS:
        raise ValueError(f"{name}={arm!r} is outside the valid range: integers in [0, {N_ARMS})")
    return int(arm)


def arm_of(names: Sequence[str]) -> int:
    """The arm with exactly the interface terms `names` switched on."""
    bad = [n for n in names if n not in INTERFACE_TERMS]
    if bad:
        raise ValueError(f"unknown interface terms {bad}; valid: {', '.join(INTERFACE_TERMS)}")
    return sum(1 << INTERFACE_TERMS.index(n) for n in set(names))


def conditions_of(arm: int) -> tuple[str, ...]:
    """The interface terms switched on in `arm`."""
    arm = check_arm(arm)
    return tuple(n for k, n in enumerate(INTERFACE_TERMS) if arm >> k & 1)


def arm_bits(arms) -> np.ndarray:
    """The on/off pattern of each arm, shape (n, 9), as floats 0/1."""
    arms = np.atleast_1d(np.asarray(arms, dtype=np.int64))
    return ((arms[:, None] >> np.arange(len(INTERFACE_TERMS))) & 1).astype(float)


DEFAULT_ARM = arm_of(DEFAULT_TERMS)


class Fields:
    """u on points X (last axis: x, y) with its derivatives, computed by autograd on first use.
    Any leading axes are independent points (u depends on X row by row)."""

    def __init__(self, X: torch.Tensor, u: torch.Tensor):
        self.X, self.u = X, u

    def _d(self, f: torch.Tensor) -> torch.Tensor:
        return torch.autograd.grad(f, self.X, torch.ones_like(f), create_graph=True)[0]

    @functools.cached_property
    def grad(self) -> torch.Tensor:
        return self._d(self.u)

    @property
    def u_x(self) -> torch.Tensor:
        return self.grad[..., :1]

    @property
    def u_y(self) -> torch.Tensor:
        return self.grad[..., 1:2]

    @functools.cached_property
    def u_xx(self) -> torch.Tensor:
        return self._d(self.u_x)[..., :1]

    @functools.cached_property
    def u_yy(self) -> torch.Tensor:
        return self._d(self.u_y)[..., 1:2]

    def d_dx(self, f: torch.Tensor) -> torch.Tensor:
        return self._d(f)[..., :1]


@dataclass(frozen=True)
class PdeFamily:
    """A parametric PDE family on the box `box` = ((x₀, x₁), (y₀, y₁)) cut at x = `cuts`.

    `residual(fields, p)` and `flux(fields, p)` are torch functions of a `Fields` (p a tensor
    broadcasting against u); `constraint` the hard conditions, an `OutputTransform` of the
    input columns (x, y, p); `exact(x, y, p)` the reference (NumPy); `periodic` adds the soft
    periodicity in x. The parameter `parameter` lies in `range`; `log` says it
    is sampled and fed to the reward model on a log scale."""

    name: str
    parameter: str
    range: tuple[float, float]
    log: bool
    box: tuple[tuple[float, float], tuple[float, float]]
    cuts: tuple[float, ...]
    residual: Callable[[Fields, float], torch.Tensor]
    flux: Callable[[Fields, float], torch.Tensor]
    constraint: OutputTransform
    exact: Callable[[np.ndarray, np.ndarray, float], np.ndarray]
    periodic: bool = False

    def check(self, p) -> float:
        lo, hi = self.range
        if not isinstance(p, (int, float, np.floating, np.integer)) or not lo <= p <= hi:
            raise ValueError(f"{self.parameter}={p!r} is outside the valid range [{lo}, {hi}] "
                             f"of the {self.name} family")
        return float(p)

    def unit(self, p) -> np.ndarray:
        """`p` mapped to [0, 1] (log scale where `log`), the reward model's context."""
        lo, hi = self.range
        p = np.asarray(p, dtype=float)
        if self.log:
            return (np.log(p) - math.log(lo)) / (math.log(hi) - math.log(lo))
        return (p - lo) / (hi - lo)

    def from_unit(self, s) -> np.ndarray:
        lo, hi = self.range
        s = np.asarray(s, dtype=float)
        return np.exp(math.log(lo) + s * (math.log(hi) - math.log(lo))) if self.log \
            else lo + s * (hi - lo)

    def sample(self, rng: np.random.Generator, n: int | None = None):
        """Uniform draws of the parameter (log-uniform where `log`)."""
        return self.from_unit(rng.uniform(0.0, 1.0, n))

    @property
    def subdomains(self) -> list[tuple[float, float]]:
        edges = (self.box[0][0], *self.cuts, self.box[0][1])
        return list(zip(edges[:-1], edges[1:], strict=True))


_BURGERS_CONSTRAINT = initial_boundary(lambda X: -torch.sin(math.pi * X[:, :1]),
                                       interval_distance([(-1.0, 1.0)], [0]), t_column=1)


def _bump(x):
    return np.exp(-((x - np.pi) ** 2) / (2 * (np.pi / 4) ** 2))


def _bump_t(x):
    return torch.exp(-((x - math.pi) ** 2) / (2 * (math.pi / 4) ** 2))


def _reaction_exact(x, t, rho):
    u0 = _bump(x)
    g = u0 * np.exp(rho * t)
    return g / (g + 1.0 - u0)


def _poisson_exact(x, y, omega):
    return np.sin(omega * np.pi * x) * np.sin(np.pi * y)


def _poisson_boundary(X):
    """g(x, y) = x sin(ωπ) sin(πy) (ω the third column): the exact boundary values."""
    return X[:, :1] * torch.sin(X[:, 2:3] * math.pi) * torch.sin(math.pi * X[:, 1:2])


_POISSON_CONSTRAINT = dirichlet(_poisson_boundary, interval_distance([(0.0, 1.0), (0.0, 1.0)]))


def _poisson_residual(f: Fields, omega):
    x, y = f.X[..., :1], f.X[..., 1:2]
    source = math.pi ** 2 * (omega ** 2 + 1) * torch.sin(omega * math.pi * x) \
        * torch.sin(math.pi * y)
    return f.u_xx + f.u_yy + source


FAMILIES: dict[str, PdeFamily] = {
    "burgers": PdeFamily(
        "burgers", "nu", (0.001, 0.05), True, ((-1.0, 1.0), (0.0, 1.0)), (-0.1, 0.1),
        residual=lambda f, nu: f.u_y + f.u * f.u_x - nu * f.u_xx,
        flux=lambda f, nu: 0.5 * f.u ** 2 - nu * f.u_x,
        constraint=_BURGERS_CONSTRAINT,
        exact=lambda x, t, nu: burgers_sine_exact(x, t, nu=nu)),
    "advection": PdeFamily(
        "advection", "beta", (1.0, 30.0), False, ((0.0, 2 * math.pi), (0.0, 1.0)), (math.pi,),
        residual=lambda f, beta: f.u_y + beta * f.u_x,
        flux=lambda f, beta: beta * f.u,
        constraint=initial_boundary(lambda X: torch.sin(X[:, :1]), t_column=1),
        exact=lambda x, t, beta: np.sin(x - beta * t), periodic=True),
    "reaction": PdeFamily(
        "reaction", "rho", (1.0, 15.0), False, ((0.0, 2 * math.pi), (0.0, 1.0)), (math.pi,),
        residual=lambda f, rho: f.u_y - rho * f.u * (1.0 - f.u),
        flux=lambda f, rho: f.u_x,
        constraint=initial_boundary(lambda X: _bump_t(X[:, :1]), t_column=1),
        exact=_reaction_exact, periodic=True),
    "poisson": PdeFamily(
        "poisson", "omega", (1.0, 6.0), False, ((0.0, 1.0), (0.0, 1.0)), (0.5,),
        residual=_poisson_residual,
        flux=lambda f, omega: f.u_x,
        constraint=_POISSON_CONSTRAINT,
        exact=_poisson_exact),
}


def family(name: str) -> PdeFamily:
    if name not in FAMILIES:
        raise ValueError(f"family {name!r} is not one of {', '.join(FAMILIES)}")
    return FAMILIES[name]


@dataclass(frozen=True)
class MultiDomainConfig:
    """Size and training of a multi-domain PINN.

    `width` × `depth` tanh networks, one per subdomain, inputs scaled to [−1, 1] on their
    subdomain, Glorot-normal initial weights; `points` residual points per subdomain (uniform
    random, fixed); `interface_points` along each interface and along the periodic boundary;
    Adam for `adam` iterations at `lr` (× 0.9 every `adam` / 10), then L-BFGS for `lbfgs`
    iterations (`batched_lbfgs`, run to its budget); the error on a `grid` = (nx, ny);
    `max_batch` trainings at a time (memory)."""

    width: int = 20
    depth: int = 3
    points: int = 400
    interface_points: int = 64
    adam: int = 1500
    lr: float = 2e-3
    lbfgs: int = 500
    grid: tuple[int, int] = (201, 101)
    dtype: str = "float64"
    max_batch: int = 256

    def __post_init__(self):
        for name, lo in (("width", 1), ("depth", 1), ("points", 1), ("interface_points", 1),
                         ("adam", 0), ("lbfgs", 0), ("max_batch", 1)):
            check_integer(name, getattr(self, name), lo)
        check_positive("lr", self.lr)
        if self.dtype not in ("float32", "float64"):
            raise ValueError(f"dtype={self.dtype!r} is not one of ('float32', 'float64')")
        if len(self.grid) != 2 or min(self.grid) < 2:
            raise ValueError(f"grid={self.grid!r} must be two integers >= 2")


class MultiDomainPINN(torch.nn.Module):
    """K independent multi-domain PINNs of one family (one per PDE parameter in `params`), each
    one tanh network per subdomain, evaluated as one batched computation.

    All weights are one tensor ``theta`` (K, P); the networks of problem k are row k, so
    gradients, Adam and `batched_lbfgs` keep the problems apart. Every problem starts from the
    same `seed`ed weights. The family's hard conditions (`PdeFamily.constraint`) are the output
    transform, fed the columns (x, y, p)."""

    def __init__(self, fam: PdeFamily, params, config: MultiDomainConfig = MultiDomainConfig(),
                 *, seed: int = 0, device="cpu"):
        super().__init__()
        dtype = getattr(torch, config.dtype)
        dt = dict(dtype=dtype, device=device)
        self.family = fam
        params = [fam.check(float(p)) for p in np.atleast_1d(params)]
        self.register_buffer("p", torch.tensor(params, **dt))
        subdomains = fam.subdomains
        S, K = len(subdomains), len(params)
        (_, _), (y0, y1) = fam.box
        self.register_buffer("centre", torch.tensor([[(a + b) / 2, (y0 + y1) / 2]
                                                     for a, b in subdomains], **dt))
        self.register_buffer("halfwidth", torch.tensor([[(b - a) / 2, (y1 - y0) / 2]
                                                   for a, b in subdomains], **dt))
        sizes = [2] + [config.width] * config.depth + [1]
        gen = torch.Generator().manual_seed(seed)
        blocks, self.layout = [], []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            std = math.sqrt(2.0 / (fan_in + fan_out))
            blocks += [torch.randn(S, fan_out, fan_in, generator=gen, dtype=torch.float64) * std,
                       torch.zeros(S, 1, fan_out, dtype=torch.float64)]
            self.layout += [(S, fan_out, fan_in), (S, 1, fan_out)]
        row = torch.cat([b.reshape(-1) for b in blocks]).to(**dt)
        self.theta = torch.nn.Parameter(row.expand(K, -1).clone())
        self.n_problems, self.n_subdomains = K, S

    def _weights(self, theta: torch.Tensor, idx: list[int]):
        out, off = [], 0
        for shape in self.layout:
            n = math.prod(shape)
            out.append(theta[:, off:off + n].view(theta.shape[0], *shape)[:, idx])
            off += n
        return out

    def forward(self, X: torch.Tensor, subdomains: list[int], theta: torch.Tensor | None = None,
                p: torch.Tensor | None = None):
        """u at X (K, len(subdomains), N, 2) from the network of each listed subdomain; with
        `theta` and `p`, for those weights and parameters (a subset of the problems)."""
        theta = self.theta if theta is None else theta
        p = self.p if p is None else p
        w = self._weights(theta, subdomains)
        h = (X - self.centre[subdomains][None, :, None]) / self.halfwidth[subdomains][None, :, None]
        for j in range(0, len(w), 2):
            h = h @ w[j].transpose(-1, -2) + w[j + 1]
            if j < len(w) - 2:
                h = torch.tanh(h)
        K, s, N, _ = X.shape
        cols = torch.cat([X, p.view(-1, 1, 1, 1).expand(K, s, N, 1)], -1)
        return self.family.constraint(cols.reshape(-1, 3), h.reshape(-1, 1)).view(K, s, N, 1)

    @torch.no_grad()
    def predict(self, points: np.ndarray) -> np.ndarray:
        """u of every problem at `points` (N, 2): shape (K, N)."""
        x = np.asarray(points, dtype=float)
        owner = np.searchsorted(np.asarray(self.family.cuts), x[:, 0], side="left")
        out = np.empty((self.n_problems, len(x)))
        for s in range(self.n_subdomains):
            sel = owner == s
            if sel.any():
                X = torch.as_tensor(x[sel], dtype=self.theta.dtype, device=self.theta.device)
                u = self(X.expand(self.n_problems, 1, -1, 2), [s])
                out[:, sel] = u[:, 0, :, 0].cpu().numpy()
        return out


@functools.lru_cache(maxsize=64)
def _reference(name: str, p: float, nx: int, ny: int):
    fam = FAMILIES[name]
    (x0, x1), (y0, y1) = fam.box
    x, y = np.meshgrid(np.linspace(x0, x1, nx), np.linspace(y0, y1, ny))
    pts = np.stack([x.ravel(), y.ravel()], 1)
    return pts, fam.exact(pts[:, 0], pts[:, 1], p)


def reference(fam: PdeFamily, p: float, grid: tuple[int, int] = (201, 101)):
    """The grid points (nx·ny, 2) and the family's exact solution on them at parameter `p`."""
    return _reference(fam.name, float(p), *grid)


def relative_errors(model: MultiDomainPINN, grid: tuple[int, int] = (201, 101)) -> np.ndarray:
    """Relative L2 error of each problem of `model` against the exact solution on a grid
    (non-finite predictions give inf)."""
    errs = []
    pts = reference(model.family, float(model.p[0]), grid)[0]
    pred = model.predict(pts)
    for k, p in enumerate(model.p.tolist()):
        ref = reference(model.family, p, grid)[1]
        e = np.linalg.norm(pred[k] - ref) / np.linalg.norm(ref)
        errs.append(float(e) if np.isfinite(e) else math.inf)
    return np.array(errs)


class MultiDomainLoss:
    """The loss of each problem of a `MultiDomainPINN` on fixed points: the subdomains' mean
    squared residuals, the periodic term, and the interface terms switched on in its arm."""

    def __init__(self, model: MultiDomainPINN, config: MultiDomainConfig, seed: int = 0):
        fam = model.family
        dt = dict(dtype=model.theta.dtype, device=model.theta.device)
        rng = np.random.default_rng(seed)
        (x0, x1), (y0, y1) = fam.box
        self.model, self.family = model, fam
        self.interior = torch.as_tensor(np.stack(
            [np.stack([rng.uniform(a, b, config.points), rng.uniform(y0, y1, config.points)], 1)
             for a, b in fam.subdomains]), **dt)
        m = config.interface_points
        ys = y0 + (y1 - y0) * (np.arange(m) + 0.5) / m
        self.interfaces = torch.as_tensor(np.stack([np.stack([np.full(m, c), ys], 1)
                                                    for c in fam.cuts]), **dt)
        self.ends = [torch.as_tensor(np.stack([np.full(m, e), ys], 1)[None], **dt)
                     for e in (x0, x1)]
        self.mask = torch.zeros(model.n_problems, len(INTERFACE_TERMS), dtype=torch.bool,
                                device=dt["device"])

    def set_arms(self, arms) -> None:
        """Switch on, for problem k, the interface terms of ``arms[k]``."""
        bits = arm_bits([check_arm(int(a)) for a in np.atleast_1d(arms)])
        if len(bits) != self.model.n_problems:
            raise ValueError(f"{len(bits)} arms for {self.model.n_problems} problems")
        self.mask = torch.as_tensor(bits > 0, device=self.mask.device)

    def _fields(self, X: torch.Tensor, subdomains: list[int], theta, p) -> Fields:
        X = X.expand(len(p), *X.shape).clone().requires_grad_(True)
        return Fields(X, self.model(X, subdomains, theta, p))

    def __call__(self, theta: torch.Tensor | None = None,
                 rows: torch.Tensor | None = None) -> torch.Tensor:
        """The losses of the problems `rows` (default all) at weights `theta` (default the
        model's)."""
        model, fam = self.model, self.family
        if rows is None:
            rows = torch.arange(model.n_problems, device=model.p.device)
        theta = model.theta[rows] if theta is None else theta
        p, mask = model.p[rows], self.mask[rows]
        pp = p.view(-1, 1, 1, 1)
        S = model.n_subdomains
        f = self._fields(self.interior, list(range(S)), theta, p)
        loss = fam.residual(f, pp).square().mean(2).sum((1, 2))
        if fam.periodic:
            ends = [e.expand(len(p), 1, -1, 2) for e in self.ends]
            gap = model(ends[0], [0], theta, p) - model(ends[1], [S - 1], theta, p)
            loss = loss + gap.square().mean((1, 2, 3))
        used = mask.any(0).tolist()
        if any(used):
            fa = self._fields(self.interfaces, list(range(S - 1)), theta, p)
            fb = self._fields(self.interfaces, list(range(1, S)), theta, p)
            ra = rb = None
            if used[2] or used[3] or used[6]:
                ra, rb = fam.residual(fa, pp), fam.residual(fb, pp)
            for t, name in enumerate(INTERFACE_TERMS):
                if used[t]:
                    value = _interface_term(name, fa, fb, ra, rb, fam, pp).mean(2).sum((1, 2))
                    loss = loss + torch.where(mask[:, t], value, 0.0)
        return loss

    def value_and_grad(self, theta: torch.Tensor,
                       rows: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Losses and their gradients with respect to `theta` (the rows `rows`)."""
        theta = theta.detach().requires_grad_(True)
        loss = self(theta, rows)
        grad, = torch.autograd.grad(torch.where(torch.isfinite(loss), loss, 0.0).sum(), theta)
        return loss.detach(), grad


def _interface_term(name, fa: Fields, fb: Fields, ra, rb, fam: PdeFamily, p) -> torch.Tensor:
    if name == "solution":
        return (fa.u - fb.u).square()
    if name == "average":
        mean = 0.5 * (fa.u + fb.u)
        return (fa.u - mean).square() + (fb.u - mean).square()
    if name == "residual":
        return ra.square() + rb.square()
    if name == "residual_continuity":
        return (ra - rb).square()
    if name == "flux":
        return (fam.flux(fa, p) - fam.flux(fb, p)).square()
    if name == "d2u_dy2":
        return (fa.u_yy - fb.u_yy).square()
    if name == "residual_gradient":
        return fa.d_dx(ra).square() + fb.d_dx(rb).square()
    if name == "du_dx":
        return (fa.u_x - fb.u_x).square()
    if name == "d2u_dx2":
        return (fa.u_xx - fb.u_xx).square()
    raise ValueError(f"unknown interface term {name!r}")


@dataclass
class MultiDomainResult:
    """Per training (one entry per job): parameter, arms, relative L2 error after Adam and at
    the end (inf where the training diverged), final loss; the wall time of the whole batch."""

    params: np.ndarray
    arms: np.ndarray
    arms_lbfgs: np.ndarray
    rel_l2: np.ndarray
    rel_l2_adam: np.ndarray
    loss: np.ndarray
    seconds: float
    model: MultiDomainPINN | None = None


def train_multidomain(fam: PdeFamily | str, params, arms, *, arms_lbfgs=None,
                      config: MultiDomainConfig = MultiDomainConfig(), seed: int = 0,
                      device: str | torch.device = "cpu",
                      progress: Callable[[int], None] | None = None) -> MultiDomainResult:
    """Train one multi-domain PINN per job: PDE parameter ``params[k]`` of `fam` with the
    interface terms of ``arms[k]`` for Adam and of ``arms_lbfgs[k]`` (default the same) for
    L-BFGS. Scalars broadcast. The jobs run together, `config.max_batch` at a time, and each
    is the training it would be alone: same `seed`ed initial weights and points for every job,
    no coupling between them. `progress(n)` counts optimiser iterations of each batch.
    The result keeps the model when there was a single batch."""
    fam = family(fam) if isinstance(fam, str) else fam
    params, arms = np.broadcast_arrays(np.atleast_1d(np.asarray(params, dtype=float)),
                                       np.atleast_1d(np.asarray(arms)))
    arms_lbfgs = arms if arms_lbfgs is None else np.broadcast_to(np.asarray(arms_lbfgs),
                                                                 arms.shape)
    for name, values in (("arms", arms), ("arms_lbfgs", arms_lbfgs)):
        for a in values:
            check_arm(a, name)
    for p in params:
        fam.check(float(p))
    t0 = time.perf_counter()
    out = {k: [] for k in ("rel_l2", "rel_l2_adam", "loss")}
    model = None
    for lo in range(0, len(params), config.max_batch):
        sl = slice(lo, lo + config.max_batch)
        model = MultiDomainPINN(fam, params[sl], config, seed=seed, device=device)
        loss = MultiDomainLoss(model, config, seed)
        loss.set_arms(arms[sl])
        if config.adam:
            opt = torch.optim.Adam([model.theta], lr=config.lr)
            sched = torch.optim.lr_scheduler.StepLR(opt, max(config.adam // 10, 1), 0.9)
            for _ in range(config.adam):
                opt.zero_grad(set_to_none=True)
                value = loss()
                alive = torch.isfinite(value)
                torch.where(alive, value, 0.0).sum().backward()
                model.theta.grad[~alive] = 0.0
                opt.step()
                sched.step()
                if progress is not None:
                    progress(1)
        out["rel_l2_adam"].append(relative_errors(model, config.grid))
        loss.set_arms(arms_lbfgs[sl])
        if config.lbfgs:
            theta, final = batched_lbfgs(loss.value_and_grad, model.theta.detach(),
                                         config.lbfgs, progress=progress)
            with torch.no_grad():
                model.theta.copy_(theta)
        else:
            final = loss().detach()
        out["rel_l2"].append(relative_errors(model, config.grid))
        out["loss"].append(final.cpu().numpy())
    cat = {k: np.concatenate(v) for k, v in out.items()}
    return MultiDomainResult(params, arms.astype(int), np.asarray(arms_lbfgs).astype(int),
                             cat["rel_l2"], cat["rel_l2_adam"], cat["loss"],
                             time.perf_counter() - t0,
                             model if len(params) <= config.max_batch else None)
