"""Parameter grids of sweeps: parsing, the product, folder names."""

import pytest

from sciml.hpc import Param, parse_param, point_key
from sciml.hpc._grid import as_params, points


def test_range_is_linspace_with_tidy_values():
    p = parse_param("phi=0.40:0.50:11")
    assert p.name == "phi" and p.dim == "phi" and p.flag == "--phi"
    assert p.values == (0.4, 0.41, 0.42, 0.43, 0.44, 0.45, 0.46, 0.47, 0.48, 0.49, 0.5)
    assert parse_param("x=1:1:1").values == (1.0,)


def test_lists_of_integers_numbers_and_words():
    assert parse_param("T-in=298,400").values == (298, 400)
    assert parse_param("T-in=298,400").dim == "T_in"
    assert parse_param("a=1,2.5").values == (1.0, 2.5)
    assert parse_param("case=simple,ch4").values == ("simple", "ch4")


@pytest.mark.parametrize("spec", ["phi", "phi=", "=1,2", "phi=0.4:0.5", "phi=0.4:0.5:0",
                                  "phi=0.4:0.5:2.5", "phi=a:b:3", "phi=1,1", "9x=1,2",
                                  "case=a/b", "x=1:2:nan"])
def test_bad_specs_are_rejected_with_the_spec_in_the_message(spec):
    with pytest.raises(ValueError, match="param|parameter"):
        parse_param(spec)


def test_product_order_and_keys():
    params = as_params({"phi": [0.4, 0.5], "T-in": [298, 400]})
    pts = list(points(params))
    assert pts == [{"phi": 0.4, "T-in": 298}, {"phi": 0.4, "T-in": 400},
                   {"phi": 0.5, "T-in": 298}, {"phi": 0.5, "T-in": 400}]
    assert point_key(pts[1]) == "phi=0.4_T-in=400"
    with pytest.raises(ValueError, match="twice"):
        as_params([Param("T-in", (1,)), Param("T_in", (2,))])
    with pytest.raises(ValueError, match="empty"):
        as_params({})
