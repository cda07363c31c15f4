"""A-priori compressed convolutions: every kernel is a rank-R CP sum of one-way filters.

W[o, i, k₁, …, k_d] = Σ_r A[o, r] B[r, i] S₁[r, k₁] ⋯ S_d[r, k_d]

`CPConv` is built in this format before training and never forms W: its forward pass is a 1 × 1
convolution C_in → R, one depthwise one-way convolution per spatial axis (each carrying that
axis's stride and padding), and a 1 × 1 convolution R → C_out. Parameters per layer:
R (C_in + C_out + Σ k_d) instead of C_in C_out Π k_d, and as many fewer multiply-adds.

Memory: with ``recompute`` the layer keeps only its input for the backward pass and rebuilds
the R-channel intermediates there — and, when it carries the following activation
(``activation=``, which `compress` fills in), that activation's input too. The dense pair
conv → activation keeps two full-size tensors; the compressed one keeps one, at the price of
re-running the (cheap) factorised convolution in the backward pass.
"""

from __future__ import annotations

import copy
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_DENSE = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}


def _tuple(v, dim, name):
    t = tuple(v) if isinstance(v, (tuple, list)) else (v,) * dim
    if len(t) != dim or not all(isinstance(a, int) and a >= 0 for a in t):
        raise ValueError(f"{name}={v!r} must be a non-negative int or {dim} of them")
    return t


class CPConv(nn.Module):
    """A 1D, 2D or 3D convolution whose kernel is a rank-`rank` CP tensor (see the module).

    Drop-in for ``nn.Conv{dim}d(in_channels, out_channels, kernel_size, stride, padding,
    bias)`` with zero padding (an int padding or ``"same"`` for odd kernels and stride 1),
    optionally followed by `activation` (a module applied inside the recomputed segment).
    The factors are initialised so that the kernel has the variance of the dense layer's
    default (Kaiming-uniform) initialisation.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, rank: int, *,
                 stride=1, padding=0, bias: bool = True, dim: int = 2, recompute: bool = True,
                 activation: nn.Module | None = None, device=None, dtype=None):
        super().__init__()
        if dim not in _CONV:
            raise ValueError(f"dim={dim!r} must be 1, 2 or 3")
        for name, v in (("in_channels", in_channels), ("out_channels", out_channels),
                        ("rank", rank)):
            if not (isinstance(v, int) and v >= 1):
                raise ValueError(f"{name}={v!r} must be an integer >= 1")
        self.dim, self.rank, self.recompute = dim, rank, recompute
        self.activation = activation
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _tuple(kernel_size, dim, "kernel_size")
        if min(self.kernel_size) < 1:
            raise ValueError(f"kernel_size={kernel_size!r} must be >= 1")
        self.stride = _tuple(stride, dim, "stride")
        if min(self.stride) < 1:
            raise ValueError(f"stride={stride!r} must be >= 1")
        if padding == "same":
            if any(k % 2 == 0 for k in self.kernel_size) or max(self.stride) > 1:
                raise ValueError("padding='same' needs odd kernel sizes and stride 1")
            padding = tuple(k // 2 for k in self.kernel_size)
        self.padding = _tuple(padding, dim, "padding")
        kw = dict(device=device, dtype=dtype)
        self.factor_in = nn.Parameter(torch.empty(rank, in_channels, **kw))
        self.factor_space = nn.ParameterList(
            [nn.Parameter(torch.empty(rank, k, **kw)) for k in self.kernel_size])
        self.factor_out = nn.Parameter(torch.empty(out_channels, rank, **kw))
        self.bias = nn.Parameter(torch.empty(out_channels, **kw)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        fan_in = self.in_channels * math.prod(self.kernel_size)
        # Dense default: U(±√(1/fan_in)·…) has variance 1/(3 fan_in); a CP sum of `rank`
        # products of (2 + dim) independent zero-mean factors of variance v has rank·v^(2+dim).
        target = 1.0 / (3.0 * fan_in)
        v = (target / self.rank) ** (1.0 / (2 + self.dim))
        a = math.sqrt(3.0 * v)
        with torch.no_grad():
            for p in (self.factor_in, self.factor_out, *self.factor_space):
                p.uniform_(-a, a)
            if self.bias is not None:
                b = 1.0 / math.sqrt(fan_in)
                self.bias.uniform_(-b, b)

    def weight(self) -> torch.Tensor:
        """The equivalent dense kernel (C_out, C_in, k₁, …, k_d), for checks and inspection."""
        letters = "xyz"[: self.dim]
        spec = ",".join(["or", "ri", *[f"r{c}" for c in letters]])
        return torch.einsum(f"{spec}->oi{letters}", self.factor_out, self.factor_in,
                            *self.factor_space)

    def _axis_kernel(self, d: int) -> torch.Tensor:
        shape = [self.rank, 1] + [1] * self.dim
        shape[2 + d] = self.kernel_size[d]
        return self.factor_space[d].reshape(shape)

    def _forward(self, x):
        conv = _CONV[self.dim]
        pointwise = [1] * self.dim
        z = conv(x, self.factor_in.reshape(self.rank, self.in_channels, *pointwise))
        for d in range(self.dim):
            stride = [1] * self.dim
            pad = [0] * self.dim
            stride[d], pad[d] = self.stride[d], self.padding[d]
            z = conv(z, self._axis_kernel(d), stride=tuple(stride), padding=tuple(pad),
                     groups=self.rank)
        z = conv(z, self.factor_out.reshape(self.out_channels, self.rank, *pointwise),
                 self.bias)
        return z if self.activation is None else self.activation(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.recompute and torch.is_grad_enabled():
            return checkpoint(self._forward, x, use_reentrant=False)
        return self._forward(x)

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"rank={self.rank}, stride={self.stride}, padding={self.padding}, "
                f"dim={self.dim}, bias={self.bias is not None}")


_ACTIVATIONS = (nn.GELU, nn.ReLU, nn.SiLU, nn.Tanh, nn.LeakyReLU, nn.ELU, nn.Sigmoid)


def compress(model: nn.Module, rank: int, *, recompute: bool = True) -> nn.Module:
    """A copy of `model` with every ``nn.Conv1d/2d/3d`` whose kernel has more than one tap
    replaced by a freshly initialised `CPConv` of rank `rank` (same channels, kernel, stride,
    padding and bias); 1 × 1 convolutions stay dense. In an ``nn.Sequential``, an elementwise
    activation right after a replaced convolution moves into it (its place takes
    ``nn.Identity``), so that with `recompute` it is recomputed rather than stored. Grouped,
    dilated or non-zero-padded convolutions raise ``ValueError``."""
    if not (isinstance(rank, int) and rank >= 1):
        raise ValueError(f"rank={rank!r} must be an integer >= 1")
    out = copy.deepcopy(model)
    for name, mod in list(out.named_modules()):
        children = list(mod.named_children())
        for pos, (child_name, child) in enumerate(children):
            dim = next((d for d, cls in _DENSE.items() if type(child) is cls), None)
            if dim is None or math.prod(child.kernel_size) == 1:
                continue
            full = f"{name}.{child_name}" if name else child_name
            if child.groups != 1 or max(child.dilation) != 1 or child.padding_mode != "zeros":
                raise ValueError(f"{full}: only ungrouped, undilated, zero-padded convolutions "
                                 "can be compressed")
            p = child.weight
            new = CPConv(child.in_channels, child.out_channels, child.kernel_size, rank,
                         stride=child.stride, padding=child.padding,
                         bias=child.bias is not None, dim=dim, recompute=recompute,
                         device=p.device, dtype=p.dtype)
            nxt = children[pos + 1] if pos + 1 < len(children) else None
            if (recompute and isinstance(mod, nn.Sequential) and nxt is not None
                    and isinstance(nxt[1], _ACTIVATIONS)):
                new.activation = nxt[1]
                setattr(mod, nxt[0], nn.Identity())
            setattr(mod, child_name, new)
    return out
