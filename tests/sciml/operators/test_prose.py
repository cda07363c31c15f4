"""The PROSE model: variants, causality, query-time independence, the data tensors, the
metrics, and a seeded training run with error bounds."""

import numpy as np
import pytest
import torch

from sciml.operators.prose import (
    ERROR_CAP,
    Prose,
    ProseConfig,
    evaluate_prose,
    prose_data,
    relative_l2,
    summarise,
    train_prose,
)
from solvers.odes import BOS, EOS, PAD, OdeDataParams, ode_dataset

SMALL = {"d_model": 32, "heads": 4, "data_layers": 1, "symbol_layers": 1, "fusion_layers": 1,
         "data_decoder_layers": 1, "symbol_decoder_layers": 1}


@pytest.fixture(scope="module")
def tiny():
    p = OdeDataParams(families=("linear", "lotka_volterra"), n_params=6, n_initial=8,
                      n_test_params=1, n_test_initial=5, p_add=0.3, p_remove=0.3)
    ds = ode_dataset(p, seed=0)
    train = ds.isel(sample=ds["split"].values == "train")
    test = ds.isel(sample=ds["split"].values != "train")
    return (train, test, prose_data(train, dtype=torch.float32),
            prose_data(test, dtype=torch.float32))


def test_tensors_normalise_the_observations(tiny):
    train_ds, _, d, _ = tiny
    n_in = d.n_input
    back = d.u_in * d.scale[:, None, None] + d.offset[:, None]
    noisy = torch.as_tensor(np.nan_to_num(train_ds["u_noisy"].values[:, :n_in]), dtype=back.dtype)
    assert torch.allclose(back * d.mask[:, None], noisy * d.mask[:, None], atol=1e-5)
    assert d.target[:, 0].eq(BOS).all() and (d.target == EOS).sum(1).eq(1).all()
    assert len(d) == 96 and d.u_out.shape == (96, 192, 3)
    # the input window has unit RMS over the system's components
    rms = (d.u_in**2).sum((1, 2)) / (d.mask.sum(1) * n_in)
    assert torch.allclose(rms, torch.ones_like(rms), atol=1e-4)


@pytest.mark.parametrize("inputs", ["both", "data", "symbols"])
def test_variants_shapes_causality_and_query_independence(tiny, inputs):
    _, _, d, _ = tiny
    torch.manual_seed(0)
    m = Prose(ProseConfig(**SMALL, inputs=inputs)).float().eval()
    b = {"u_in": d.u_in[:4], "mask": d.mask[:4], "stats": d.stats[:4],
         "symbols": d.symbols[:4]}
    tgt = d.target[:4, :-1]
    u, logits = m(b, d.t_in, d.times, tgt)
    assert u.shape == (4, 192, 3) and logits.shape == (*tgt.shape, m.symbol_head.out_features)
    # the logits at position k do not see the tokens after k
    k = 5
    changed = tgt.clone()
    changed[:, k + 1:] = 7
    _, again = m(b, d.t_in, d.times, changed)
    assert torch.allclose(again[:, : k + 1], logits[:, : k + 1], atol=1e-5)
    # a query's prediction does not depend on the other query times
    memory, pad = m.encode(b, d.t_in)
    few = m.decode_data(memory, pad, d.times[[3, 100, 191]])
    assert torch.allclose(few, u[:, [3, 100, 191]], atol=1e-5)
    if inputs == "symbols":  # no data input: the observations do not matter
        b2 = {**b, "u_in": torch.randn_like(b["u_in"])}
        assert torch.allclose(m(b2, d.t_in, d.times, tgt)[0], u, atol=1e-6)
    if inputs == "data":  # no symbol input: the guess does not matter
        b2 = {**b, "symbols": torch.roll(b["symbols"], 1, 0)}
        assert torch.allclose(m(b2, d.t_in, d.times, tgt)[0], u, atol=1e-6)
    ids = m.generate(b, d.t_in, max_length=12)
    assert ids[:, 0].eq(BOS).all() and ids.shape[1] <= 12
    for row in ids:
        ends = (row == EOS).nonzero()
        if len(ends):
            assert row[ends[0, 0] + 1:].eq(PAD).all()


def test_config_checks():
    with pytest.raises(ValueError, match="inputs='text' must be one of"):
        ProseConfig(inputs="text").validate()
    with pytest.raises(ValueError, match="d_model=30 must be a multiple of heads=4"):
        ProseConfig(d_model=30, heads=4).validate()
    with pytest.raises(ValueError, match="dropout=1.0 is outside the valid range"):
        ProseConfig(dropout=1.0).validate()


def test_relative_l2_leaves_out_absent_components_and_caps():
    true = np.ones((2, 4, 3))
    true[:, :, 2] = np.nan
    pred = np.ones((2, 4, 3)) * 1.1
    pred[1, 0, 0] = np.inf
    err = relative_l2(pred, true)
    assert err[0] == pytest.approx(0.1) and err[1] == ERROR_CAP


def test_seeded_training_has_bounded_errors(tiny):
    """96 samples of two families, 40 epochs of a 32-wide model (~15 s): the multimodal model
    predicts better than the noisy guess integrated from the first observation, and writes
    mostly valid equations."""
    train_ds, test_ds, d, dt = tiny
    torch.manual_seed(0)
    m = Prose(ProseConfig(**SMALL)).float()
    fit = train_prose(m, d, epochs=40, batch=16, lr=3e-3, symbol_weight=0.5, seed=0)
    assert fit.history[-1] < 0.5 * fit.history[0]
    s = summarise(evaluate_prose(m, dt, test_ds))
    # observed (seed 0): 0.153, noisy guess 0.439, valid 0.95, RHS 0.21
    assert s["rel_l2_data"] < 0.22, s
    assert s["rel_l2_data"] < s["rel_l2_noisy_guess"], s
    assert s["valid_equation_fraction"] >= 0.8, s
    assert s["rel_l2_rhs"] < 0.4, s
