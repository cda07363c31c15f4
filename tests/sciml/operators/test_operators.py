"""Operator layers and losses: the spectral H1 norm, MgNO's V-cycle, boundary handling, size and
any-grid application, resampled evaluation on node grids, seeded training of MgNO / FNO / U-Net
with error bounds, data sets."""

import math

import numpy as np
import pytest
import torch

from sciml.operators import (
    FieldOperator,
    MgConv,
    MgNO,
    UNet,
    burgers_dataset,
    cached_dataset,
    darcy_dataset,
    evaluate,
    fno,
    relative_h1,
    relative_l2,
    resample_nodes,
    train_operator,
)


def test_relative_errors_against_closed_forms():
    x = torch.arange(64, dtype=torch.float64) / 64
    target = torch.sin(2 * math.pi * x)[None, None]
    bump = 0.1 * torch.cos(6 * math.pi * x)[None, None]
    assert float(relative_l2(target + bump, target)) == pytest.approx(0.1, rel=1e-12)
    # H1: (1 + 4π²k²) weights, k = 3 for the error and 1 for the target
    ratio = 0.1 * math.sqrt((1 + 36 * math.pi ** 2) / (1 + 4 * math.pi ** 2))
    assert float(relative_h1(target + bump, target)) == pytest.approx(ratio, rel=1e-12)
    t2 = target[..., None] * torch.ones(1, 1, 1, 8, dtype=torch.float64)
    assert float(relative_h1(2 * t2, t2)) == pytest.approx(1.0, rel=1e-12)


def test_mgconv_with_circular_padding_commutes_with_coarse_grid_shifts():
    torch.manual_seed(0)
    layer = MgConv(2, 3, levels=4, padding="circular").double()
    f = torch.randn(1, 2, 32, 32, dtype=torch.float64)
    shift = 8  # a multiple of 2^(levels-1): every level's grid maps onto itself
    a = torch.roll(layer(f), (shift, -shift), dims=(2, 3))
    b = layer(torch.roll(f, (shift, -shift), dims=(2, 3)))
    torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)


def test_mgconv_is_the_documented_v_cycle():
    # the cycle written out with torch's functional convolutions; the prolongation with zero
    # padding is the plain stride-2 4×4 transposed convolution with padding 1
    torch.manual_seed(0)
    m = MgConv(2, 3, levels=3, smoothing=[2, 1, 2]).double()
    f = torch.randn(2, 2, 12, 12, dtype=torch.float64)

    def c(conv, x, stride=1):
        return torch.nn.functional.conv2d(x, conv.weight, stride=stride, padding=1)

    def p(prolong, x):
        return torch.nn.functional.conv_transpose2d(x, prolong.conv.weight, stride=2, padding=1)

    u0 = c(m.S[0][0], f)
    u0 = u0 + c(m.S[0][1], f - c(m.A[0][0], u0))
    f1, u1 = c(m.R[0], f, 2), c(m.Pi[0], u0, 2)
    u1 = u1 + c(m.S[1][0], f1 - c(m.A[1][0], u1))
    f2, u2 = c(m.R[1], f1, 2), c(m.Pi[1], u1, 2)
    for S, A in zip(m.S[2], m.A[2], strict=True):
        u2 = u2 + c(S, f2 - c(A, u2))
    u1 = u1 + p(m.P[1], u2)
    u0 = u0 + p(m.P[0], u1)
    torch.testing.assert_close(m(f), u0, rtol=1e-12, atol=1e-12)


def test_mgno_applies_to_any_resolution_and_checks_arguments():
    m = MgNO(width=4, depth=2, levels=4)
    for n in (16, 33, 64):
        assert m(torch.randn(2, 1, n, n)).shape == (2, 1, n, n)
    assert MgNO(width=4, depth=1, levels=3, dim=1)(torch.randn(2, 1, 50)).shape == (2, 1, 50)
    with pytest.raises(ValueError, match="padding='periodic'"):
        MgNO(padding="periodic")
    with pytest.raises(ValueError, match="smoothing"):
        MgConv(1, 1, levels=3, smoothing=[1, 1])
    with pytest.raises(ValueError, match="width=0"):
        MgNO(width=0)


def test_mgno_at_width_24_has_the_size_of_the_published_darcy_model():
    # He, Liu & Xu (ICLR 2024), Darcy: 4 layers of 24 channels, 6 levels, 0.57 M parameters
    n = sum(p.numel() for p in MgNO(width=24, depth=4, levels=6).parameters())
    assert abs(n - 0.57e6) < 5e3, n


def test_resample_nodes_and_evaluation_on_the_training_grid():
    s = torch.linspace(0, 1, 9, dtype=torch.float64)
    plane = (2 * s[:, None] - 3 * s[None, :] + 1)[None, None]
    fine = torch.linspace(0, 1, 17, dtype=torch.float64)
    exact = (2 * fine[:, None] - 3 * fine[None, :] + 1)[None, None]
    # corners aligned: a linear field is interpolated exactly, and nested nodes are kept
    torch.testing.assert_close(resample_nodes(plane, (17, 17)), exact, rtol=0, atol=1e-14)
    torch.testing.assert_close(resample_nodes(exact, (9, 9), "nearest"), plane)
    steps = torch.tensor([[0.0, 0.0, 3.0, 3.0, 3.0]])[None]  # (1, 1, 5) piecewise constant
    assert set(resample_nodes(steps, (12,), "nearest").flatten().tolist()) == {0.0, 3.0}
    with pytest.raises(ValueError, match="mode='cubic'"):
        resample_nodes(plane, (17, 17), "cubic")
    with pytest.raises(ValueError, match="size=.*2 node counts"):
        resample_nodes(plane, (17,))
    # evaluate(grid=...): the model sees the training grid, its output comes back interpolated
    torch.manual_seed(0)
    model = FieldOperator(MgNO(width=4, depth=1, levels=3), torch.randn(4, 1, 9, 9),
                          torch.randn(4, 1, 9, 9)).double()
    x, y = torch.randn(2, 1, 17, 17, dtype=torch.float64), exact.expand(2, 1, 17, 17)
    got = evaluate(model, x, y, grid=(9, 9))["prediction"]
    with torch.no_grad():
        want = resample_nodes(model(resample_nodes(x, (9, 9), "nearest")), (17, 17))
    torch.testing.assert_close(got, want)


def test_data_sets_are_the_same_serial_and_spread():
    d1 = darcy_dataset(6, resolution=16)
    assert d1["u"].dims == ("sample", "x", "y") and d1.attrs["kind"] == "darcy"
    np.testing.assert_array_equal(d1["u"].values[3],
                                  darcy_dataset(4, resolution=16)["u"].values[3])
    b = burgers_dataset(3, resolution=32, refine=2)
    assert b["u1"].shape == (3, 32) and b.attrs["nu"] == 0.1


def test_cache_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("SCIML_CACHE", str(tmp_path))
    ds = cached_dataset("darcy", 3, resolution=12)
    assert len(list(tmp_path.glob("darcy_n3_*.nc"))) == 1
    again = cached_dataset("darcy", 3, resolution=12)
    np.testing.assert_array_equal(ds["u"].values, again["u"].values)
    with pytest.raises(ValueError, match="kind='heat'"):
        cached_dataset("heat", 3)


@pytest.fixture(scope="module")
def burgers():
    ds = burgers_dataset(160, resolution=64, refine=2)
    x = torch.as_tensor(ds["u0"].values, dtype=torch.float32)[:, None]
    y = torch.as_tensor(ds["u1"].values, dtype=torch.float32)[:, None]
    return x[:128], y[:128], x[128:], y[128:]


@pytest.mark.parametrize(("name", "make", "bound"), [
    ("mgno", lambda: MgNO(width=12, depth=2, levels=4, padding="circular", dim=1), 0.1),
    ("fno", lambda: fno(modes=12, width=16, depth=2, dim=1), 0.03),
    ("unet", lambda: UNet(width=8, levels=3, dim=1), 0.6),
])
def test_seeded_training_on_burgers_reaches_an_error_bound(burgers, name, make, bound):
    x_tr, y_tr, x_te, y_te = burgers
    torch.manual_seed(0)
    model = FieldOperator(make().float(), x_tr, y_tr)  # float32 whatever the default dtype
    before = evaluate(model, x_te, y_te)["rel_l2"]
    result = train_operator(model, x_tr, y_tr, epochs=30, batch=16, lr=3e-3, seed=0)
    after = evaluate(model, x_te, y_te)
    assert result.history[-1] < result.history[0]
    assert after["rel_l2"] < bound < before, (name, before, after["rel_l2"])
