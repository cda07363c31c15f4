"""ODE families, the prefix tokeniser and the PROSE data set."""

import numpy as np
import pytest
import scipy.linalg
import sympy as sp

from solvers.odes import (
    FAMILIES,
    STATE,
    VOCABULARY,
    InvalidEquation,
    OdeDataParams,
    decode,
    decode_system,
    encode,
    encode_number,
    encode_system,
    family,
    integrate_expressions,
    ode_dataset,
    parse_system,
    perturb_equation,
    round_number,
)

x1, x2, x3 = STATE


def _max_rel_diff(a, b, dim, rng):
    """Largest relative difference of two systems at random states."""
    pts = rng.uniform(-2, 2, (50, dim))
    fa = sp.lambdify(list(STATE[:dim]), list(a))
    fb = sp.lambdify(list(STATE[:dim]), list(b))
    va = np.array([np.broadcast_to(v, 50) for v in fa(*pts.T)], dtype=float)
    vb = np.array([np.broadcast_to(v, 50) for v in fb(*pts.T)], dtype=float)
    return np.max(np.abs(va - vb)) / np.max(np.abs(vb))


def test_at_least_ten_families_with_the_named_ones():
    assert len(FAMILIES) >= 10
    for name in ("lorenz", "rossler", "thomas", "duffing", "van_der_pol", "lotka_volterra",
                 "fitzhugh_nagumo", "sir", "pendulum", "linear"):
        assert name in FAMILIES
    with pytest.raises(ValueError, match="family='nope' must be one of"):
        family("nope")


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_round_trip_of_every_family(name):
    """expression → tokens → expression: equal as sympy expressions once the coefficients are
    rounded as the tokens store them, numerically equal to the original to that rounding, for
    the nominal and for perturbed parameters; the skeleton round-trips exactly."""
    fam = FAMILIES[name]
    rng = np.random.default_rng(1)
    for values in (fam.nominal, *fam.sample_params(rng, 3)):
        exprs = fam.equation(values)
        tokens = encode_system(exprs)
        assert set(tokens) <= set(VOCABULARY)
        back = decode_system(tokens, fam.dim)
        rounded = tuple(e.xreplace({c: round_number(float(c)) for c in e.atoms(sp.Float)})
                        for e in exprs)
        assert all(sp.simplify(a - b) == 0 for a, b in zip(back, rounded, strict=True))
        assert _max_rel_diff(back, exprs, fam.dim, rng) < 5e-3
    skel = encode_system(fam.equation(), skeleton=True)
    assert "C" in skel and not any(t.startswith("M") for t in skel)


def test_number_encoding():
    assert encode_number(2.5) == ["S+", "M250", "E0"]
    assert encode_number(-0.0123) == ["S-", "M123", "E-2"]
    assert encode_number(999.6) == ["S+", "M100", "E3"]  # rounding carries a decade
    assert float(round_number(8 / 3)) == 2.67
    assert float(round_number(-1234.0)) == -1230.0
    for v in (0.0, np.inf, 1e12):
        with pytest.raises(ValueError, match="value="):
            encode_number(v)


def test_prefix_layout_and_validity_errors():
    e = sp.expand(x1 * (2.5 - x3))
    assert sp.expand(decode(encode(e)) - e) == 0
    assert sorted(encode(e, skeleton=True)) == sorted(["add", "mul", "C", "x1", "mul", "C",
                                                       "mul", "x1", "x3"])
    assert encode(sp.sin(x2) + x1**3) == ["add", "pow", "x1", "P3", "sin", "x2"]
    assert sp.expand(decode(["mul", "S-", "M200", "E0", "x2"]) + 2 * x2) == 0
    with pytest.raises(InvalidEquation, match="ends inside"):
        decode(["add", "x1"])
    with pytest.raises(InvalidEquation, match="left after"):
        decode(["x1", "x2"])
    with pytest.raises(InvalidEquation, match="does not exist in a 2-D system"):
        decode(["x3"], dim=2)
    with pytest.raises(InvalidEquation, match="cannot start"):
        decode(["P2"])
    with pytest.raises(InvalidEquation, match="3 components for a 2-D system"):
        decode_system(["x1", "SEP", "x2", "SEP", "x1"], 2)
    assert decode_system(["BOS", "x2", "SEP", "x1", "EOS", "PAD"], 2) == (x2, x1)


def test_linear_family_against_the_matrix_exponential():
    """The batched DOP853 integration of the linear family against exp(At) x0."""
    fam = FAMILIES["linear"]
    rng = np.random.default_rng(0)
    values, x0 = fam.sample_params(rng, 5), fam.sample_initial(rng, 5)
    t = np.linspace(0, 6, 61)
    u = fam.integrate(values, x0, t)
    for i, (a, w, g) in enumerate(values):
        A = np.array([[-a, w, 0], [-w, -a, 0], [0, 0, -g]])
        exact = np.stack([scipy.linalg.expm(A * s) @ x0[i] for s in t])
        assert np.max(np.abs(u[i] - exact)) < 1e-8


def test_batched_integration_equals_one_by_one_and_sir_conserves():
    fam = FAMILIES["sir"]
    rng = np.random.default_rng(0)
    values, x0 = fam.sample_params(rng, 4), fam.sample_initial(rng, 4)
    t = np.linspace(0, 6, 50)
    batch = fam.integrate(values, x0, t)
    for i in range(4):
        one = fam.integrate(values[i : i + 1], x0[i : i + 1], t)[0]
        assert np.max(np.abs(batch[i] - one)) < 1e-7
        alone = integrate_expressions(fam.equation(values[i]), x0[i], t)
        assert np.max(np.abs(batch[i] - alone)) < 1e-6
    assert np.max(np.abs(batch.sum(-1) - x0.sum(-1)[:, None])) < 1e-8


def test_unstable_guess_holds_its_last_state():
    t = np.linspace(0, 6, 50)
    u = integrate_expressions((x1**2,), np.array([1.0]), t, blow_up=100.0)
    assert np.all(np.isfinite(u)) and u[-1, 0] == pytest.approx(100.0, rel=1e-3)


def test_symbolic_noise():
    fam = FAMILIES["lorenz"]
    rng = np.random.default_rng(0)
    nominal = fam.equation()
    n_terms = sum(len(sp.Add.make_args(e)) for e in nominal)
    same, edits = perturb_equation(nominal, rng, p_add=0.0, p_remove=0.0)
    assert same == nominal and edits == (False, False)
    fewer, edits = perturb_equation(nominal, rng, p_add=0.0, p_remove=1.0)
    assert edits == (True, False)
    assert sum(len(sp.Add.make_args(e)) for e in fewer) == n_terms - 1
    more, edits = perturb_equation(nominal, rng, p_add=1.0, p_remove=0.0)
    assert edits == (False, True)
    assert sum(len(sp.Add.make_args(e)) for e in more) == n_terms + 1


def test_data_set_layout_splits_noise_and_reproducibility():
    p = OdeDataParams(families=("lorenz", "duffing"), n_params=8, n_initial=5,
                      n_test_params=2, n_test_initial=3, n_times=96, n_input=32, noise=0.05,
                      p_add=0.5, p_remove=0.5)
    ds = ode_dataset(p, seed=3)
    assert ds.sizes == {"sample": 2 * (40 + 6 + 6), "time": 96, "component": 3, "param": 5}
    split = ds["split"].values
    assert (split == "train").sum() == 80 and (split == "test_param").sum() == 12
    for name in ("lorenz", "duffing"):
        sel = ds["family"].values == name
        train_ids = set(ds["param_id"].values[sel & (split == "train")])
        assert set(ds["param_id"].values[sel & (split == "test_ic")]) <= train_ids
        assert not set(ds["param_id"].values[sel & (split == "test_param")]) & train_ids
    duff = ds.isel(sample=ds["family"].values == "duffing")
    assert np.all(np.isnan(duff["u"].values[:, :, 2]))
    # the noise is 5 % of each component's RMS
    u, noisy = ds["u"].values[:52], ds["u_noisy"].values[:52]
    rel = np.std(noisy - u, axis=1) / np.sqrt(np.mean(u**2, axis=1))
    assert np.mean(rel) == pytest.approx(0.05, rel=0.1)
    # each stored equation reproduces the stored trajectory
    i = 7
    fam = FAMILIES[str(ds["family"].values[i])]
    traj = integrate_expressions(parse_system(str(ds["equation"].values[i])),
                                 ds["x0"].values[i, : fam.dim], ds["time"].values)
    assert np.max(np.abs(traj - ds["u"].values[i, :, : fam.dim])) < 1e-5
    assert np.mean(ds["guess_edit"].values > 0) > 0.5
    again = ode_dataset(p, seed=3)
    assert np.array_equal(again["u_noisy"].values, ds["u_noisy"].values, equal_nan=True)
    with pytest.raises(ValueError, match="n_input=200 is outside the valid range"):
        OdeDataParams(n_input=200).validate()
    with pytest.raises(ValueError, match="families: 'x' must be one of"):
        OdeDataParams(families=("x",)).validate()
    with pytest.raises(ValueError, match="p_add=1.5 is outside the valid range"):
        OdeDataParams(p_add=1.5).validate()
