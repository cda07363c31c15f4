"""Equations as token sequences in prefix (Polish) notation, and back to sympy.

An expression tree is written operator first: ``x1*(2.5 - x3)`` expanded is
``add mul S+ M250 E0 x1 mul S- M100 E0 mul x1 x3``. Sums and products with more than two
operands become chains of binary ``add`` / ``mul``. A number is three tokens: its sign
(``S+``/``S-``), its mantissa rounded to `DIGITS` significant digits (``M100``..``M999``, read as
m/100) and its decimal exponent (``E-9``..``E9``), value = sign·(m/100)·10^e. Integer powers
are ``pow`` and ``P2``, ``P3``, ``P-1``, …; ``sin``, ``cos`` and ``exp`` are unary. The
components of a system are separated by ``SEP``. In a skeleton every number is the placeholder
``C``.

`decode_system` checks what it reads (arity, known tokens, variables that exist, the number of
components) and raises `InvalidEquation` naming the first problem.
"""

from __future__ import annotations

import math

import sympy as sp

from ._families import MAX_DIM, STATE

DIGITS = 3
MAX_EXPONENT = 9
SPECIAL = ("PAD", "BOS", "EOS", "SEP", "C")
BINARY = {"add": sp.Add, "mul": sp.Mul, "pow": None}
UNARY = {"sin": sp.sin, "cos": sp.cos, "exp": sp.exp}
POWERS = tuple(p for p in range(-3, 6) if p not in (0, 1))
VARIABLES = tuple(f"x{i + 1}" for i in range(MAX_DIM))
SIGNS = ("S+", "S-")
MANTISSAS = tuple(f"M{m}" for m in range(10 ** (DIGITS - 1), 10**DIGITS))
EXPONENTS = tuple(f"E{e}" for e in range(-MAX_EXPONENT, MAX_EXPONENT + 1))

#: Every token, in a fixed order: a token's index is its id.
VOCABULARY: tuple[str, ...] = (*SPECIAL, *BINARY, *UNARY, *VARIABLES,
                               *(f"P{p}" for p in POWERS), *SIGNS, *MANTISSAS, *EXPONENTS)
TOKEN_ID: dict[str, int] = {t: i for i, t in enumerate(VOCABULARY)}
PAD, BOS, EOS, SEP = (TOKEN_ID[t] for t in ("PAD", "BOS", "EOS", "SEP"))


class InvalidEquation(ValueError):
    """A token sequence that is not a well-formed equation."""


def encode_number(value: float) -> list[str]:
    """Sign, mantissa and exponent tokens of `value`, rounded to `DIGITS` significant digits.
    Zero is not representable (an expanded equation has no zero coefficients): it raises."""
    value = float(value)
    if not math.isfinite(value) or value == 0.0:
        raise ValueError(f"value={value!r} cannot be encoded: it must be finite and non-zero")
    e = math.floor(math.log10(abs(value)))
    m = round(abs(value) / 10.0**e * 10 ** (DIGITS - 1))
    if m == 10**DIGITS:  # rounding carried into the next decade
        m, e = 10 ** (DIGITS - 1), e + 1
    elif m < 10 ** (DIGITS - 1):  # log10 just below an integer
        m, e = round(abs(value) / 10.0 ** (e - 1) * 10 ** (DIGITS - 1)), e - 1
    if abs(e) > MAX_EXPONENT:
        raise ValueError(f"value={value!r} is outside the encodable magnitudes "
                         f"[1e-{MAX_EXPONENT}, 1e{MAX_EXPONENT + 1})")
    return ["S-" if value < 0 else "S+", f"M{m}", f"E{e}"]


def decode_number(tokens) -> sp.Float:
    sign, mant, exp = tokens
    m = int(mant[1:])
    e = int(exp[1:]) - (DIGITS - 1)
    return sp.Float(f"{'-' if sign == 'S-' else ''}{m}e{e}", DIGITS + 12)


def round_number(value: float) -> sp.Float:
    """`value` as the tokeniser stores it."""
    return decode_number(encode_number(value))


def encode(expr: sp.Expr, *, skeleton: bool = False) -> list[str]:
    """Prefix tokens of one expression in x1..x3; with `skeleton`, numbers become ``C``."""
    out: list[str] = []

    def walk(e):
        if e.is_Number:
            out.extend(["C"] if skeleton else encode_number(float(e)))
        elif e.is_Symbol:
            if e not in STATE:
                raise ValueError(f"symbol {e} is not a state variable {VARIABLES}")
            out.append(str(e))
        elif e.is_Add or e.is_Mul:
            args = e.args
            op = "add" if e.is_Add else "mul"
            for a in args[:-1]:
                out.append(op)
                walk(a)
            walk(args[-1])
        elif e.is_Pow:
            base, p = e.args
            if not (p.is_Integer and int(p) in POWERS):
                raise ValueError(f"power {p} in {e} is not one of the encodable powers {POWERS}")
            out.extend(["pow"])
            walk(base)
            out.append(f"P{int(p)}")
        elif isinstance(e, tuple(UNARY.values())):
            out.append(type(e).__name__)
            walk(e.args[0])
        else:
            raise ValueError(f"{e} ({type(e).__name__}) cannot be encoded")

    walk(sp.sympify(expr))
    return out


def encode_system(exprs, *, skeleton: bool = False) -> list[str]:
    """The components' tokens joined by ``SEP``."""
    out: list[str] = []
    for i, e in enumerate(exprs):
        if i:
            out.append("SEP")
        out.extend(encode(e, skeleton=skeleton))
    return out


def decode(tokens, *, dim: int = MAX_DIM) -> sp.Expr:
    """The expression of one component's tokens; variables beyond x`dim` are invalid."""
    tokens = list(tokens)
    pos = 0

    def take():
        nonlocal pos
        if pos >= len(tokens):
            raise InvalidEquation("the sequence ends inside an expression")
        pos += 1
        return tokens[pos - 1]

    def parse():
        tok = take()
        if tok in SIGNS:
            mant, exp = take(), take()
            if not (mant in MANTISSAS and exp in EXPONENTS):
                raise InvalidEquation(f"number {tok} {mant} {exp} is malformed")
            return decode_number((tok, mant, exp))
        if tok in VARIABLES:
            i = VARIABLES.index(tok)
            if i >= dim:
                raise InvalidEquation(f"variable {tok} does not exist in a {dim}-D system")
            return STATE[i]
        if tok == "add" or tok == "mul":
            a, b = parse(), parse()
            return sp.Add(a, b) if tok == "add" else sp.Mul(a, b)
        if tok == "pow":
            base = parse()
            p = take()
            if not (p.startswith("P") and p[1:].lstrip("-").isdigit() and int(p[1:]) in POWERS):
                raise InvalidEquation(f"pow expects a power token, got {p}")
            return sp.Pow(base, int(p[1:]))
        if tok in UNARY:
            return UNARY[tok](parse())
        raise InvalidEquation(f"token {tok!r} cannot start an expression")

    expr = parse()
    if pos != len(tokens):
        raise InvalidEquation(f"{len(tokens) - pos} tokens left after a complete expression")
    return expr


def decode_system(tokens, dim: int) -> tuple:
    """The `dim` components of a system's tokens (``SEP``-separated; ``BOS``/``EOS``/``PAD``
    around them are ignored). Raises `InvalidEquation` if it is not well formed."""
    tokens = [t for t in tokens if t not in ("BOS", "PAD")]
    if "EOS" in tokens:
        tokens = tokens[: tokens.index("EOS")]
    parts: list[list[str]] = [[]]
    for t in tokens:
        if t == "SEP":
            parts.append([])
        else:
            parts[-1].append(t)
    if len(parts) != dim:
        raise InvalidEquation(f"{len(parts)} components for a {dim}-D system")
    return tuple(decode(p, dim=dim) for p in parts)


def ids(tokens) -> list[int]:
    try:
        return [TOKEN_ID[t] for t in tokens]
    except KeyError as exc:
        raise ValueError(f"token {exc.args[0]!r} is not in the vocabulary") from None


def tokens_of(ids_) -> list[str]:
    return [VOCABULARY[int(i)] for i in ids_]
