"""Material functions of the parameter sets, compiled with numba.

Each is an ``@njit`` function of one argument written with NumPy ufuncs only, so the same code
runs inside the residual kernels (scalar arguments, float or complex), from Python on scalars or
arrays, and as plain Python through ``.py_func`` in the NumPy twins. Open-circuit potentials take
the stoichiometry (c_s / c_max); electrolyte properties take c_e [mol/m³]; diffusivity factors
take the stoichiometry and multiply the parameter set's reference diffusivity.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def graphite_ocp_chen2020(x):
    """Open-circuit potential [V] of the LG M50 graphite-SiOx negative electrode (Chen 2020)."""
    return (1.9793 * np.exp(-39.3631 * x) + 0.2482
            - 0.0909 * np.tanh(29.8538 * (x - 0.1234))
            - 0.04478 * np.tanh(14.9159 * (x - 0.2769))
            - 0.0205 * np.tanh(30.4444 * (x - 0.6103)))


@njit(cache=True)
def nmc811_ocp_chen2020(y):
    """Open-circuit potential [V] of the LG M50 NMC811 positive electrode (Chen 2020, eq. 9)."""
    return (-0.8090 * y + 4.4875
            - 0.0428 * np.tanh(18.5138 * (y - 0.5542))
            - 17.7326 * np.tanh(15.7890 * (y - 0.3117))
            + 17.5842 * np.tanh(15.9308 * (y - 0.3120)))


@njit(cache=True)
def electrolyte_diffusivity_nyman2008(c):
    """LiPF6 in EC:EMC (3:7) diffusivity [m²/s] at concentration `c` [mol/m³] (Nyman 2008)."""
    x = c / 1000.0
    return 8.794e-11 * x * x - 3.972e-10 * x + 4.862e-10


@njit(cache=True)
def electrolyte_conductivity_nyman2008(c):
    """LiPF6 in EC:EMC (3:7) ionic conductivity [S/m] at concentration `c` [mol/m³] (Nyman 2008)."""
    x = c / 1000.0
    return 0.1297 * x * x * x - 2.51 * x * np.sqrt(x) + 3.329 * x


@njit(cache=True)
def constant_factor(x):
    """Concentration-independent property: the factor 1 (same type and shape as `x`)."""
    return x * 0.0 + 1.0


@njit(cache=True)
def regularised_sqrt(x, scale):
    """√x for x ≫ δ·scale, smoothly continued through 0 as an odd function (δ = 1e-3):
    ``√scale · (x/scale) ((x/scale)² + δ²)^(−1/4)``, PyBaMM's regularisation. It keeps the
    exchange current defined when a Newton iterate puts c_s a hair outside [0, c_max]."""
    u = x / scale
    return np.sqrt(scale) * u * (u * u + 1e-6) ** -0.25


@njit(cache=True)
def exchange_current_sqrt(ce, cs, cmax):
    """Butler–Volmer (α = ½) concentration factor c_e^½ c_s^½ (c_max − c_s)^½ [(mol/m³)^1.5],
    each root regularised (:func:`regularised_sqrt`; scales 1000 mol/m³ for c_e, c_max)."""
    return (regularised_sqrt(ce, 1000.0) * regularised_sqrt(cs, cmax)
            * regularised_sqrt(cmax - cs, cmax))


# NREL PINN-surrogate study cell (NREL/PINNSTRIPES, pinn_spm_param/util/uocp_cs.py and
# thermo.py): polynomial fits, coefficients from the highest power down.
_NREL_UN = np.array([
    1878.6244900261463, -4981.580023016213, 516.2941996957871, 6452.38177755237,
    -436.0524457974526, 1264.0514576769442, -20918.656956191975, 12954.334261316431,
    28871.72866007402, -37943.83286204571, 34.11141793217983, 29363.16490602074,
    -25774.496334571464, 11073.868226559767, -2702.638445370805, 375.62895901410747,
    -28.064663950113868, 1.1265244540945243])
_NREL_UP = np.array([
    -43309.69063512314, 122888.63938515769, -69735.99554716503, -59749.183217994185,
    25744.002733171154, 15730.398058573825, 54021.915506318735, -44566.03206954511,
    64.32177924593454, -7780.173422833786, 1117.4042221859695, 7387.492376558274,
    -7237.289515884936, -705.4465901574707, 17170.20236584321, -42.60228181558803,
    -23266.56994359366, 10810.92851132453, 2545.4065429021307, 1.6554268823619098,
    751.3515882152476, -4447.12851190078, 3727.268889820381, -1331.1791971457515,
    227.4712483170547, -17.646894926746256, 0.8568207255402533, -2.34505930698951,
    5.059010555584711])
_NREL_DSP = np.array([
    -250.901084347927, 2391.02672525997, -4868.42026761136, -83.3110410292107,
    10576.36028329, -12683.2454834812, 5016.27216777553, 982.489665964948,
    -1502.43933907090, 472.370930424770, -65.2609204639709])
_NREL_I0P = np.array([16.5045282964129, -75.235671414888, 124.052469007304,
                      -94.1657108128761, 32.4976882173796, -3.58529006582476])


@njit(cache=True)
def _horner(coef, x):
    acc = x * 0.0 + coef[0]
    for k in range(1, coef.size):
        acc = acc * x + coef[k]
    return acc


@njit(cache=True)
def graphite_ocp_nrel(x):
    """Anode open-circuit potential [V] of the NREL surrogate-study cell (degree-17 fit)."""
    return _horner(_NREL_UN, x)


@njit(cache=True)
def cathode_ocp_nrel(x):
    """Cathode open-circuit potential [V] of the NREL surrogate-study cell (degree-28 fit)."""
    return _horner(_NREL_UP, x)


@njit(cache=True)
def cathode_diffusivity_factor_nrel(x):
    """Cathode solid diffusivity / 2.25e-15 m²/s of the NREL cell: 10^(P(x) + 15)."""
    return 10.0 ** (_horner(_NREL_DSP, x) + 15.0)


@njit(cache=True)
def cathode_exchange_current_nrel(ce, cs, cmax):
    """Cathode exchange current density [A/m²] of the NREL cell: 9 Q(c_s/c_max) (c_e/1200)^½."""
    return 9.0 * _horner(_NREL_I0P, cs / cmax) * np.sqrt(ce / 1200.0)
