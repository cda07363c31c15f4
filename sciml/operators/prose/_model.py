"""The PROSE network: a data encoder and a symbol encoder, fused by joint self-attention, read
by a data decoder (query times cross-attend the fused features) and a causal symbol decoder
(the full equation, numbers included, token by token)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn

from solvers.odes import BOS, EOS, MAX_DIM, PAD, VOCABULARY

INPUTS = ("both", "data", "symbols")


@dataclass(frozen=True)
class ProseConfig:
    """Sizes of a PROSE model. `inputs` selects the variant: ``"both"`` (the multimodal model),
    ``"data"`` (data-only ablation: no symbol input) or ``"symbols"`` (symbol-only ablation: no
    data input). Every variant has both decoders."""

    d_model: int = 128
    heads: int = 8
    data_layers: int = 2
    symbol_layers: int = 2
    fusion_layers: int = 2
    data_decoder_layers: int = 2
    symbol_decoder_layers: int = 2
    ffn_factor: int = 4
    dropout: float = 0.0
    inputs: str = "both"
    t_scale: float = 6.0
    max_symbols: int = 96
    frequencies: int = 16

    def validate(self) -> ProseConfig:
        if self.inputs not in INPUTS:
            raise ValueError(f"inputs={self.inputs!r} must be one of {INPUTS}")
        for name in ("d_model", "heads", "ffn_factor", "max_symbols", "frequencies"):
            v = getattr(self, name)
            if not (isinstance(v, int) and v >= 1):
                raise ValueError(f"{name}={v!r} must be an integer >= 1")
        for name in ("data_layers", "symbol_layers", "fusion_layers", "data_decoder_layers",
                     "symbol_decoder_layers"):
            v = getattr(self, name)
            if not (isinstance(v, int) and v >= 0):
                raise ValueError(f"{name}={v!r} must be an integer >= 0")
        if self.d_model % self.heads:
            raise ValueError(f"d_model={self.d_model} must be a multiple of heads={self.heads}")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout={self.dropout!r} is outside the valid range [0, 1)")
        if not self.t_scale > 0:
            raise ValueError(f"t_scale={self.t_scale!r} is outside the valid range (0, inf)")
        return self


def _encoder(cfg: ProseConfig, layers: int) -> nn.Module:
    if layers == 0:
        return nn.Identity()
    layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.heads, cfg.ffn_factor * cfg.d_model,
                                       cfg.dropout, activation="gelu", batch_first=True,
                                       norm_first=True)
    return nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(cfg.d_model),
                                 enable_nested_tensor=False)


class TimeFeatures(nn.Module):
    """t ↦ an MLP of (t, sin ω_k t, cos ω_k t) with ω_k geometric in [0.5, 50]/t_scale."""

    def __init__(self, cfg: ProseConfig, extra: int = 0):
        super().__init__()
        omega = torch.logspace(math.log10(0.5), math.log10(50.0), cfg.frequencies) / cfg.t_scale
        self.register_buffer("omega", omega)
        self.t_scale = cfg.t_scale
        self.net = nn.Sequential(nn.Linear(1 + 2 * cfg.frequencies + extra, cfg.d_model),
                                 nn.GELU(), nn.Linear(cfg.d_model, cfg.d_model))

    def forward(self, t, extra=None):
        wt = t[..., None] * self.omega
        feats = [t[..., None] / self.t_scale, torch.sin(wt), torch.cos(wt)]
        if extra is not None:
            feats.append(extra)
        return self.net(torch.cat(feats, -1))


class CrossBlock(nn.Module):
    """Pre-norm cross-attention (queries → memory) and feed-forward, with residuals."""

    def __init__(self, cfg: ProseConfig):
        super().__init__()
        d = cfg.d_model
        self.norm_q, self.norm_m, self.norm_f = nn.LayerNorm(d), nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, cfg.heads, dropout=cfg.dropout, batch_first=True)
        self.ffn = nn.Sequential(nn.Linear(d, cfg.ffn_factor * d), nn.GELU(),
                                 nn.Linear(cfg.ffn_factor * d, d))

    def forward(self, q, memory, memory_pad):
        m = self.norm_m(memory)
        q = q + self.attn(self.norm_q(q), m, m, key_padding_mask=memory_pad,
                          need_weights=False)[0]
        return q + self.ffn(self.norm_f(q))


class Prose(nn.Module):
    """``forward(batch, t_in, t_query, target)`` → (normalised trajectory at `t_query`
    (B, Q, MAX_DIM), symbol logits (B, L, vocabulary)).

    `batch` holds ``u_in`` (B, N, MAX_DIM), normalised observations at `t_in` (N,), zero in
    absent components; ``mask`` (B, MAX_DIM), 1 for a component that exists; ``stats``
    (B, MAX_DIM + 1), the normalisation (asinh of the offsets, log of the scale); ``symbols``
    (B, S), token ids of the guessed skeleton. `target` (B, L) are the symbol decoder's input
    tokens (BOS first; teacher forcing).
    """

    def __init__(self, cfg: ProseConfig = ProseConfig()):
        super().__init__()
        self.cfg = cfg.validate()
        d = cfg.d_model
        self.config = asdict(cfg)
        self.use_data = cfg.inputs in ("both", "data")
        self.use_symbols = cfg.inputs in ("both", "symbols")
        if self.use_data:
            self.data_embed = TimeFeatures(cfg, extra=2 * MAX_DIM)
            self.stats_embed = nn.Linear(2 * MAX_DIM + 1, d)
            self.data_encoder = _encoder(cfg, cfg.data_layers)
        self.token_embed = nn.Embedding(len(VOCABULARY), d, padding_idx=PAD)
        self.position = nn.Embedding(cfg.max_symbols, d)
        if self.use_symbols:
            self.symbol_encoder = _encoder(cfg, cfg.symbol_layers)
        self.modality = nn.Embedding(2, d)
        self.fusion = _encoder(cfg, cfg.fusion_layers)
        self.query_embed = TimeFeatures(cfg)
        self.data_decoder = nn.ModuleList(CrossBlock(cfg) for _ in range(cfg.data_decoder_layers))
        self.data_head = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, MAX_DIM))
        layer = nn.TransformerDecoderLayer(d, cfg.heads, cfg.ffn_factor * d, cfg.dropout,
                                           activation="gelu", batch_first=True, norm_first=True)
        self.symbol_decoder = nn.TransformerDecoder(layer, cfg.symbol_decoder_layers,
                                                    norm=nn.LayerNorm(d))
        self.symbol_head = nn.Linear(d, len(VOCABULARY))

    def _tokens(self, ids):
        if ids.shape[1] > self.cfg.max_symbols:
            raise ValueError(f"a sequence of {ids.shape[1]} tokens is longer than max_symbols="
                             f"{self.cfg.max_symbols}")
        pos = torch.arange(ids.shape[1], device=ids.device)
        return self.token_embed(ids) + self.position(pos)

    def encode(self, batch: dict, t_in: torch.Tensor):
        """The fused features (B, T, d) and their padding mask (B, T)."""
        parts, pads = [], []
        if self.use_data:
            u, mask = batch["u_in"], batch["mask"]
            b, n, _ = u.shape
            extra = torch.cat([u, mask[:, None, :].expand(b, n, -1)], -1)
            x = self.data_embed(t_in.expand(b, n), extra)
            stats = self.stats_embed(torch.cat([batch["stats"], mask], -1))[:, None]
            x = self.data_encoder(torch.cat([stats, x], 1)) + self.modality.weight[0]
            parts.append(x)
            pads.append(torch.zeros(x.shape[:2], dtype=torch.bool, device=x.device))
        if self.use_symbols:
            ids = batch["symbols"]
            pad = ids == PAD
            x = self.symbol_encoder(self._tokens(ids), src_key_padding_mask=pad)
            parts.append(x + self.modality.weight[1])
            pads.append(pad)
        memory, pad = torch.cat(parts, 1), torch.cat(pads, 1)
        return self.fusion(memory, src_key_padding_mask=pad), pad

    def decode_data(self, memory, pad, t_query):
        q = self.query_embed(t_query.expand(memory.shape[0], -1))
        for block in self.data_decoder:
            q = block(q, memory, pad)
        return self.data_head(q)

    def decode_symbols(self, memory, pad, target):
        n = target.shape[1]
        causal = torch.triu(torch.ones(n, n, dtype=torch.bool, device=target.device), 1)
        h = self.symbol_decoder(self._tokens(target), memory, tgt_mask=causal,
                                tgt_key_padding_mask=target == PAD,
                                memory_key_padding_mask=pad)
        return self.symbol_head(h)

    def forward(self, batch, t_in, t_query, target):
        memory, pad = self.encode(batch, t_in)
        return self.decode_data(memory, pad, t_query), self.decode_symbols(memory, pad, target)

    @torch.no_grad()
    def generate(self, batch, t_in, *, max_length: int = 80) -> torch.Tensor:
        """Greedy decoding of the equation: token ids (B, ≤ max_length), BOS first, PAD after
        EOS."""
        memory, pad = self.encode(batch, t_in)
        b = memory.shape[0]
        out = torch.full((b, 1), BOS, dtype=torch.long, device=memory.device)
        done = torch.zeros(b, dtype=torch.bool, device=memory.device)
        for _ in range(min(max_length, self.cfg.max_symbols) - 1):
            nxt = self.decode_symbols(memory, pad, out)[:, -1].argmax(-1)
            nxt = torch.where(done, torch.full_like(nxt, PAD), nxt)
            out = torch.cat([out, nxt[:, None]], 1)
            done |= nxt == EOS
            if bool(done.all()):
                break
        return out
