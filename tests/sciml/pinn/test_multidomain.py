"""Multi-domain PINNs: arms, the nine interface terms against hand derivatives, the families'
exact solutions, hard conditions on every subnetwork, and batched trainings being independent."""

import math

import numpy as np
import pytest
import torch

from sciml.pinn import (
    DEFAULT_ARM,
    INTERFACE_TERMS,
    N_ARMS,
    PDE_FAMILIES,
    MultiDomainConfig,
    MultiDomainPINN,
    arm_bits,
    arm_of,
    conditions_of,
    train_multidomain,
)
from sciml.pinn._multidomain import Fields, _interface_term, reference
from solvers.spectral import burgers_sine_exact

TINY = MultiDomainConfig(width=12, depth=2, points=60, interface_points=16, adam=60, lbfgs=15,
                         grid=(41, 21))


def test_arms_encode_the_nine_terms():
    assert N_ARMS == 512 and len(INTERFACE_TERMS) == 9
    assert conditions_of(DEFAULT_ARM) == ("solution", "residual_continuity")
    for arm in (0, 1, 77, 300, 511):
        assert arm_of(conditions_of(arm)) == arm
        assert np.array_equal(np.nonzero(arm_bits(arm)[0])[0],
                              [INTERFACE_TERMS.index(n) for n in conditions_of(arm)])
    with pytest.raises(ValueError, match=r"arm=512 is outside the valid range"):
        conditions_of(512)
    with pytest.raises(ValueError, match="unknown interface terms"):
        arm_of(["solution", "flux_continuity"])


def _sides(n=7):
    rng = np.random.default_rng(0)
    pts = np.stack([rng.uniform(-0.5, 0.5, n), rng.uniform(0.1, 1.0, n)], 1)
    X = torch.tensor(pts[None, None], dtype=torch.float64, requires_grad=True)
    x, y = X[..., :1], X[..., 1:2]
    fa = Fields(X, torch.sin(x) * y ** 2)
    Xb = X.detach().clone().requires_grad_(True)
    fb = Fields(Xb, Xb[..., :1] ** 3 + Xb[..., 1:2] * Xb[..., :1])
    return pts, fa, fb


def _burgers_by_hand(x, y, nu):
    """u_a = sin(x) y², u_b = x³ + xy: value, u_x, u_y, u_xx, u_yy, residual, each side."""
    a = dict(u=np.sin(x) * y ** 2, ux=np.cos(x) * y ** 2, uy=2 * np.sin(x) * y,
             uxx=-np.sin(x) * y ** 2, uyy=2 * np.sin(x))
    b = dict(u=x ** 3 + x * y, ux=3 * x ** 2 + y, uy=x, uxx=6 * x, uyy=0 * x)
    for s in (a, b):
        s["r"] = s["uy"] + s["u"] * s["ux"] - nu * s["uxx"]
    return a, b


def test_each_interface_term_matches_hand_derivatives():
    nu = 0.03
    fam = PDE_FAMILIES["burgers"]
    pts, fa, fb = _sides()
    x, y = pts[:, 0], pts[:, 1]
    a, b = _burgers_by_hand(x, y, nu)
    h = 1e-5  # ∂r/∂x by central differences of the hand residual
    ap, bp = _burgers_by_hand(x + h, y, nu)
    am, bm = _burgers_by_hand(x - h, y, nu)
    rx_a, rx_b = (ap["r"] - am["r"]) / (2 * h), (bp["r"] - bm["r"]) / (2 * h)
    mean = 0.5 * (a["u"] + b["u"])
    flux = lambda s: 0.5 * s["u"] ** 2 - nu * s["ux"]  # noqa: E731
    expected = {
        "solution": (a["u"] - b["u"]) ** 2,
        "average": (a["u"] - mean) ** 2 + (b["u"] - mean) ** 2,
        "residual": a["r"] ** 2 + b["r"] ** 2,
        "residual_continuity": (a["r"] - b["r"]) ** 2,
        "flux": (flux(a) - flux(b)) ** 2,
        "d2u_dy2": (a["uyy"] - b["uyy"]) ** 2,
        "residual_gradient": rx_a ** 2 + rx_b ** 2,
        "du_dx": (a["ux"] - b["ux"]) ** 2,
        "d2u_dx2": (a["uxx"] - b["uxx"]) ** 2,
    }
    ra, rb = fam.residual(fa, nu), fam.residual(fb, nu)
    assert set(expected) == set(INTERFACE_TERMS)
    for name, value in expected.items():
        got = _interface_term(name, fa, fb, ra, rb, fam, nu).detach().numpy().ravel()
        assert np.allclose(got, value, rtol=1e-7, atol=1e-9), name


def _exact_torch(name, X, p):
    x, y = X[..., :1], X[..., 1:2]
    if name == "advection":
        return torch.sin(x - p * y)
    if name == "reaction":
        u0 = torch.exp(-((x - math.pi) ** 2) / (2 * (math.pi / 4) ** 2))
        g = u0 * torch.exp(p * y)
        return g / (g + 1 - u0)
    return torch.sin(p * math.pi * x) * torch.sin(math.pi * y)


@pytest.mark.parametrize("name,p", [("advection", 17.0), ("reaction", 9.0), ("poisson", 3.5)])
def test_exact_solutions_solve_their_pde(name, p):
    fam = PDE_FAMILIES[name]
    (x0, x1), (y0, y1) = fam.box
    rng = np.random.default_rng(1)
    pts = np.stack([rng.uniform(x0, x1, 50), rng.uniform(y0, y1, 50)], 1)
    X = torch.tensor(pts[None, None], dtype=torch.float64, requires_grad=True)
    u = _exact_torch(name, X, p)
    assert np.allclose(u.detach().numpy().ravel(), fam.exact(pts[:, 0], pts[:, 1], p),
                       rtol=1e-12, atol=1e-14)
    r = fam.residual(Fields(X, u), p).detach().numpy()
    scale = {"advection": p, "reaction": p, "poisson": math.pi ** 2 * (p ** 2 + 1)}[name]
    assert np.abs(r).max() < 1e-12 * scale


def test_burgers_reference_is_cole_hopf():
    pts, u = reference(PDE_FAMILIES["burgers"], 0.004, (21, 11))
    assert np.array_equal(u, burgers_sine_exact(pts[:, 0], pts[:, 1], nu=0.004))


@pytest.mark.parametrize("name", list(PDE_FAMILIES))
def test_hard_conditions_hold_on_every_subnetwork(name):
    fam = PDE_FAMILIES[name]
    lo, hi = fam.range
    params = [lo, 0.5 * (lo + hi), hi]
    model = MultiDomainPINN(fam, params, TINY, seed=3)
    with torch.no_grad():  # random, non-zero networks
        model.theta.add_(0.3 * torch.randn_like(model.theta))
    (x0, x1), (y0, y1) = fam.box
    s = np.linspace(x0, x1, 33)  # crosses every cut
    t = np.linspace(y0, y1, 17)
    if name == "poisson":
        edges = np.concatenate([np.stack([s, np.full_like(s, y0)], 1),
                                np.stack([s, np.full_like(s, y1)], 1),
                                np.stack([np.full_like(t, x0), t], 1),
                                np.stack([np.full_like(t, x1), t], 1)])
    else:
        edges = np.stack([s, np.full_like(s, y0)], 1)
        if name == "burgers":
            edges = np.concatenate([edges, np.stack([np.full_like(t, x0), t], 1),
                                    np.stack([np.full_like(t, x1), t], 1)])
    u = model.predict(edges)
    for k, p in enumerate(params):
        assert np.allclose(u[k], fam.exact(edges[:, 0], edges[:, 1], p), rtol=0, atol=1e-14)


def test_parameter_outside_its_range_is_refused():
    with pytest.raises(ValueError, match=r"nu=0\.2 is outside the valid range \[0\.001, 0\.05\]"):
        train_multidomain("burgers", 0.2, DEFAULT_ARM, config=TINY)
    with pytest.raises(ValueError, match="arms_lbfgs"):
        train_multidomain("poisson", 2.0, DEFAULT_ARM, arms_lbfgs=600, config=TINY)
    with pytest.raises(ValueError, match="points"):
        MultiDomainConfig(points=0)


def test_trainings_in_one_batch_are_the_trainings_alone():
    together = train_multidomain("advection", [3.0, 3.0, 12.0], [DEFAULT_ARM, 0, 511],
                                 arms_lbfgs=[5, 0, 511], config=TINY, seed=2)
    alone = train_multidomain("advection", 3.0, DEFAULT_ARM, arms_lbfgs=5, config=TINY, seed=2)
    assert together.rel_l2[0] == pytest.approx(alone.rel_l2[0], rel=1e-9)
    assert together.rel_l2_adam[0] == pytest.approx(alone.rel_l2_adam[0], rel=1e-9)
    assert together.rel_l2[1] != pytest.approx(together.rel_l2[0], rel=1e-3)
