"""CPConv against the dense convolution with its reconstructed kernel, the parameter
arithmetic of the spec, `compress`, and the memory it is for."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from sciml.compression import CPConv, FrameCNN, compress, peak_training_memory, rollout
from sciml.operators import parameter_count

CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


@pytest.mark.parametrize("dim", [1, 2, 3])
@pytest.mark.parametrize(("stride", "padding"), [(1, 1), (2, 0), (2, 2)])
def test_cpconv_is_the_dense_convolution_with_its_cp_kernel(dim, stride, padding):
    torch.manual_seed(dim)
    layer = CPConv(5, 7, (3, 5, 3)[:dim], 4, stride=stride, padding=padding, dim=dim,
                   dtype=torch.float64)
    x = torch.randn(2, 5, *(11, 9, 7)[:dim], dtype=torch.float64)
    dense = CONV[dim](x, layer.weight(), layer.bias, stride=stride, padding=padding)
    torch.testing.assert_close(layer(x), dense, rtol=1e-12, atol=1e-12)
    assert layer.weight().shape == (7, 5, *(3, 5, 3)[:dim])


def test_parameter_arithmetic_per_channel_pair():
    # rank 1, one channel each: the spatial factors hold k·d numbers instead of k^d
    for dim, k, dense in ((2, 3, 9), (3, 3, 27), (3, 5, 125)):
        layer = CPConv(1, 1, k, 1, dim=dim, bias=False)
        spatial = sum(p.numel() for p in layer.factor_space)
        assert (spatial, math.prod(layer.weight().shape)) == ({9: 6, 27: 9, 125: 15}[dense],
                                                              dense)
    layer = CPConv(64, 32, 3, 8, dim=2)
    assert parameter_count(layer) == 8 * (64 + 32 + 3 + 3) + 32


def test_initial_kernel_variance_matches_the_dense_default():
    torch.manual_seed(0)
    cp = CPConv(64, 64, 3, 16, dim=2).weight().detach()
    dense = nn.Conv2d(64, 64, 3).weight.detach()
    assert cp.var().item() == pytest.approx(dense.var().item(), rel=0.15)


def test_recompute_and_fused_activation_change_memory_not_results():
    torch.manual_seed(1)
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.GELU(), nn.Conv2d(8, 8, 3, padding=1),
                        nn.GELU(), nn.Conv2d(8, 1, 1))
    a = compress(net, 4, recompute=True)
    b = compress(net, 4, recompute=False)
    b.load_state_dict(a.state_dict())
    assert isinstance(a[0], CPConv) and isinstance(a[0].activation, nn.GELU)
    assert isinstance(a[1], nn.Identity) and isinstance(a[4], nn.Conv2d)  # 1×1 stays dense
    assert b[0].activation is None and isinstance(b[1], nn.GELU)
    x = torch.randn(2, 3, 12, 12)
    ya, yb = a(x), b(x)
    torch.testing.assert_close(ya, yb)
    ya.square().sum().backward()
    yb.square().sum().backward()
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        torch.testing.assert_close(pa.grad, pb.grad, rtol=1e-5, atol=1e-6)
    # what the backward pass keeps: one tensor per compressed conv + activation instead of
    # three intermediates, the conv output and the activation output
    def saved(model):
        store = {}

        def pack(t):
            store[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()
            return t
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            model(torch.randn(4, 3, 32, 32))
        return sum(store.values())
    assert saved(a) < 0.5 * saved(b)


def test_compress_frame_cnn_and_bad_input():
    net = FrameCNN(frames=3, width=16, levels=2, dim=1)
    small = compress(net, 4)
    assert parameter_count(net) > 5 * parameter_count(small)
    x = torch.randn(2, 4, 32)
    assert small(x).shape == (2, 1, 32)
    assert rollout(small, x, 5).shape == (2, 5, 32)
    with pytest.raises(ValueError, match="rank=0 must be an integer >= 1"):
        compress(net, 0)
    with pytest.raises(ValueError, match="1: only ungrouped, undilated, zero-padded"):
        compress(nn.Sequential(nn.Conv2d(4, 4, 3), nn.Conv2d(4, 4, 3, groups=2)), 2)
    with pytest.raises(ValueError, match="padding='same' needs odd kernel sizes"):
        CPConv(2, 2, 4, 2, padding="same")
    with pytest.raises(ValueError, match="dim=4 must be 1, 2 or 3"):
        CPConv(2, 2, 3, 2, dim=4)
    with pytest.raises(ValueError, match="input has 3 channels; expected frames"):
        net(torch.randn(1, 3, 32))


def test_peak_training_memory_is_measured():
    torch.manual_seed(0)
    net = FrameCNN(frames=2, width=8, levels=1)
    x, y = torch.randn(8, 3, 32, 32), torch.randn(8, 1, 32, 32)
    mb = peak_training_memory(net, x, y, batch=8, steps=2)
    assert math.isnan(mb) or 0.0 <= mb < 500.0
