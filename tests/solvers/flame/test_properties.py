"""Vectorised gas properties against Cantera, state by state.

Reference values come from ``cantera.Solution`` set to each state in turn. The formulas are
Cantera's, so agreement is to round-off: the largest relative errors seen are ~1e-13, and every
check below uses a relative tolerance of 1e-12.
"""

import cantera as ct
import numpy as np
import pytest

from solvers.flame import SimpleFlameParams, case1_solution, ch4_one_step_solution
from solvers.flame._properties import GasProperties

RTOL = 1e-12
PRESSURES = (ct.one_atm, 2.0 * ct.one_atm)
THERMO = (
    "cp_species",
    "enthalpy_species",
    "mean_molar_mass",
    "mole_fractions",
    "density",
    "cp_mixture",
)
TRANSPORT = ("viscosity", "conductivity", "mix_diff_coeffs")
KINETICS = ("net_production_rates", "heat_release_rate")


@pytest.fixture(scope="module")
def gases() -> dict[str, tuple[ct.Solution, GasProperties]]:
    """Cantera phases and their `GasProperties`, by name."""
    phases = {
        "ch4": (ch4_one_step_solution(), True),
        "ch4-unity-Le": (ch4_one_step_solution("unity-Lewis-number"), True),
        "case1": (case1_solution(SimpleFlameParams()), True),
        "gri30": (ct.Solution("gri30.yaml"), False),
    }
    return {
        name: (gas, GasProperties.from_cantera(gas, kinetics=kinetics))
        for name, (gas, kinetics) in phases.items()
    }


def _states(n_species: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Temperatures 300..2500 K (with both sides of the NASA7 mid point 1000 K) and random
    mass fractions, a third of them exactly zero."""
    T = np.concatenate([np.linspace(300.0, 2500.0, 22), [1000.0, 1000.0 + 1e-9]])
    rng = np.random.default_rng(seed)
    Y = rng.dirichlet(np.ones(n_species), T.size).T
    Y[rng.random(Y.shape) < 1.0 / 3.0] = 0.0
    Y[0, Y.sum(axis=0) == 0.0] = 1.0
    return T, Y / Y.sum(axis=0)


def _cantera(gas: ct.Solution, T, Y, p: float, kinetics: bool = False) -> dict[str, np.ndarray]:
    """Cantera's values at each state (columns), with the mass fractions as Cantera stores them
    (``Y``: renormalised), so that both sides start from identical inputs."""
    rows = []
    for n in range(T.size):
        gas.TPY = T[n], p, Y[:, n]
        row = {
            "Y": gas.Y,
            "cp_species": gas.partial_molar_cp / gas.molecular_weights,
            "enthalpy_species": gas.partial_molar_enthalpies / gas.molecular_weights,
            "mean_molar_mass": gas.mean_molecular_weight,
            "mole_fractions": gas.X,
            "density": gas.density,
            "cp_mixture": gas.cp_mass,
            "viscosity": gas.viscosity,
            "conductivity": gas.thermal_conductivity,
            "mix_diff_coeffs": gas.mix_diff_coeffs,
        }
        if kinetics:
            row["net_production_rates"] = gas.net_production_rates
            row["heat_release_rate"] = gas.heat_release_rate
        rows.append(row)
    return {key: np.array([row[key] for row in rows]).T for key in rows[0]}


def _check(props: GasProperties, ref: dict, T: np.ndarray, p: float, names: tuple[str, ...]):
    Y = ref["Y"]
    args = {
        "cp_species": (T,),
        "enthalpy_species": (T,),
        "mean_molar_mass": (Y,),
        "mole_fractions": (Y,),
        "density": (T, Y, p),
        "cp_mixture": (T, Y),
        "viscosity": (T, Y),
        "conductivity": (T, Y),
        "mix_diff_coeffs": (T, Y, p),
        "net_production_rates": (T, Y, p),
        "heat_release_rate": (T, Y, p),
    }
    for name in names:
        value = getattr(props, name)(*args[name])
        assert value.shape == ref[name].shape, name
        expected, atol = ref[name], 0.0
        if name == "enthalpy_species":  # h_k crosses zero: compare h_k W_k / R T, with atol
            scale = props.gas_constant * T / props.molar_masses[:, None]
            value, expected, atol = value / scale, expected / scale, RTOL
        np.testing.assert_allclose(value, expected, rtol=RTOL, atol=atol, err_msg=name)


@pytest.mark.parametrize("p", PRESSURES)
@pytest.mark.parametrize("name", ["ch4", "ch4-unity-Le", "case1", "gri30"])
def test_thermo_and_transport_match_cantera(gases, name, p):
    gas, props = gases[name]
    T, Y = _states(gas.n_species, seed=len(name))
    _check(props, _cantera(gas, T, Y, p), T, p, THERMO + TRANSPORT)


@pytest.mark.parametrize("p", PRESSURES)
@pytest.mark.parametrize("name", ["ch4", "case1"])
def test_kinetics_match_cantera(gases, name, p):
    gas, props = gases[name]
    T, Y = _states(gas.n_species, seed=7)
    ref = _cantera(gas, T, Y, p, kinetics=True)
    assert np.count_nonzero(ref["net_production_rates"][0] == 0.0) > 0  # zero-fuel states
    _check(props, ref, T, p, KINETICS)


@pytest.mark.parametrize("name", ["ch4", "gri30"])
def test_pure_species_match_cantera(gases, name):
    """One-hot compositions: the mole-fraction floor (1e-20) keeps transport finite. The
    pure species' own mixture diffusion coefficient is then round-off (0, or even negative),
    and matches Cantera's because the numerator ``W - X_k W_k`` is computed identically."""
    gas, props = gases[name]
    K = gas.n_species
    for T in (300.0, 1000.0, 2500.0):
        ref = _cantera(gas, np.full(K, T), np.eye(K), ct.one_atm)
        _check(props, ref, np.full(K, T), ct.one_atm, ("density",) + TRANSPORT)


def test_evaluate_equals_methods(gases):
    for name in ("ch4", "case1"):
        gas, props = gases[name]
        T, Y = _states(gas.n_species, seed=3)
        p = 1.5e5
        values = props.evaluate(T, Y, p)
        ref = {
            "cp_species": props.cp_species(T),
            "enthalpy_species": props.enthalpy_species(T),
            "mean_molar_mass": props.mean_molar_mass(Y),
            "mole_fractions": props.mole_fractions(Y),
            "density": props.density(T, Y, p),
            "cp_mixture": props.cp_mixture(T, Y),
            "viscosity": props.viscosity(T, Y),
            "conductivity": props.conductivity(T, Y),
            "mix_diff_coeffs": props.mix_diff_coeffs(T, Y, p),
            "net_production_rates": props.net_production_rates(T, Y, p),
            "heat_release_rate": props.heat_release_rate(T, Y, p),
        }
        for key, expected in ref.items():
            np.testing.assert_array_equal(getattr(values, key), expected, err_msg=key)


def test_fractional_order_floors_negative_concentrations(gases):
    """O2 has order 0.5: a slightly negative Y_O2 gives a zero rate, not NaN; CH4 (order 1)
    enters as is, so a negative Y_CH4 gives a (small) reverse rate."""
    gas, props = gases["ch4"]
    i_ch4, i_o2 = gas.species_index("CH4"), gas.species_index("O2")
    Y = np.full((gas.n_species, 2), 0.2)
    Y[i_o2, 0] = -1e-8
    Y[i_ch4, 1] = -1e-8
    wdot = props.net_production_rates(np.full(2, 2000.0), Y, ct.one_atm)
    assert np.all(np.isfinite(wdot))
    np.testing.assert_array_equal(wdot[:, 0], 0.0)
    assert wdot[i_ch4, 1] > 0.0


def test_frozen_chemistry_and_unsupported_input(gases):
    gas, props = gases["gri30"]
    T, Y = _states(gas.n_species, seed=1)
    assert props.n_reactions == 0
    np.testing.assert_array_equal(props.net_production_rates(T, Y, ct.one_atm), 0.0)
    with pytest.raises(NotImplementedError, match="irreversible elementary Arrhenius"):
        GasProperties.from_cantera(gas)
    multi = ch4_one_step_solution("multicomponent")
    with pytest.raises(NotImplementedError, match="transport model 'multicomponent'"):
        GasProperties.from_cantera(multi)


@pytest.mark.parametrize("name", ["ch4", "ch4-unity-Le", "case1"])
def test_torch_evaluation_matches_numpy_and_differentiates(gases, name):
    """The same code on torch tensors (what the PINNs use) gives the NumPy values to round-off,
    and its autograd derivative of the heat release matches a central difference. Mass
    fractions are positive, as a PINN's softmax gives them (at an exact zero a fractional-order
    rate has an infinite derivative)."""
    torch = pytest.importorskip("torch")
    gas, props = gases[name]
    T, Y = _states(gas.n_species, seed=5)
    Y = (Y + 1e-3) / (1.0 + 1e-3 * gas.n_species)
    p = ct.one_atm
    ref = props.evaluate(T, Y, p)
    Tt = torch.tensor(T, dtype=torch.float64, requires_grad=True)
    got = props.evaluate(Tt, torch.tensor(Y, dtype=torch.float64), p)
    for key in THERMO + TRANSPORT + KINETICS:
        np.testing.assert_allclose(getattr(got, key).detach().numpy(), getattr(ref, key),
                                   rtol=1e-13, atol=1e-300, err_msg=key)
    got.heat_release_rate.sum().backward()
    h = 1e-4 * T
    fd = (props.heat_release_rate(T + h, Y, p) - props.heat_release_rate(T - h, Y, p)) / (2 * h)
    scale = np.abs(fd).max()
    np.testing.assert_allclose(Tt.grad.numpy(), fd, rtol=1e-5, atol=1e-6 * scale)
