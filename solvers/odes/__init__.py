"""Parametric ODE families for symbolic-numeric learning (PROSE): each family is written once
as sympy expressions, integrated in batches (scipy DOP853), perturbed symbolically and printed
in prefix notation; `ode_dataset` draws noisy trajectories with noisy equation guesses."""

from ._data import OdeDataParams as OdeDataParams
from ._data import format_system as format_system
from ._data import ode_dataset as ode_dataset
from ._data import parse_system as parse_system
from ._data import perturb_equation as perturb_equation
from ._families import FAMILIES as FAMILIES
from ._families import MAX_DIM as MAX_DIM
from ._families import STATE as STATE
from ._families import OdeFamily as OdeFamily
from ._families import family as family
from ._families import integrate_expressions as integrate_expressions
from ._tokens import BOS as BOS
from ._tokens import EOS as EOS
from ._tokens import PAD as PAD
from ._tokens import SEP as SEP
from ._tokens import TOKEN_ID as TOKEN_ID
from ._tokens import VOCABULARY as VOCABULARY
from ._tokens import InvalidEquation as InvalidEquation
from ._tokens import decode as decode
from ._tokens import decode_system as decode_system
from ._tokens import encode as encode
from ._tokens import encode_number as encode_number
from ._tokens import encode_system as encode_system
from ._tokens import ids as ids
from ._tokens import round_number as round_number
from ._tokens import tokens_of as tokens_of
