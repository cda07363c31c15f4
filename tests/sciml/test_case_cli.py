import pytest

from sciml.case import CaseFailure, case_parser, number, run_case


def _parser():
    p = case_parser("demo", "Demo case.\n\nMore text.")
    p.add_argument("--phi", type=number(0.0, 10.0), default=1.0)
    return p


def test_standard_flags_and_summary(tmp_path):
    seen = {}

    def main(args, run):
        seen["args"] = args
        run.write_summary({"value_m": 2.0})

    assert run_case(main, _parser(), ["--quick", "--out", str(tmp_path), "--seed", "3"]) == 0
    from sciml.io import read_json

    s = read_json(tmp_path / "summary.json")
    assert s["case"] == "demo" and s["quick"] is True and s["seed"] == 3
    assert s["value_m"] == 2.0 and s["seconds"] >= 0 and "version" in s


@pytest.mark.parametrize(
    ("argv", "expected"),
    [(["--phi", "x"], "argument --phi: 'x' is not a number; valid range (0, 10]"),
     (["--phi", "0"], "argument --phi: 0 is outside the valid range (0, 10]"),
     (["--seed", "-1"], "argument --seed: -1 is outside the valid range [0, 4.29497e+09]"),
     (["--device", "tpu"], "argument --device: invalid choice: 'tpu'")],
)
def test_bad_flags_exit_2_with_one_line(argv, expected, capsys):
    assert run_case(lambda a, r: None, _parser(), argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err


def test_user_input_maps_field_to_flag(capsys, tmp_path):
    def main(args, run):
        with run.user_input({"phi": "--phi"}):
            raise ValueError("phi=20 is outside the valid range (0, 5]")

    assert run_case(main, _parser(), ["--out", str(tmp_path)]) == 2
    assert "argument --phi: 20 is outside the valid range (0, 5]" in capsys.readouterr().err


def test_failure_exits_1(capsys, tmp_path):
    def main(args, run):
        raise CaseFailure("Newton failed (max-norm residual reached: 1.0e+00)")

    assert run_case(main, _parser(), ["--out", str(tmp_path)]) == 1
    assert "residual reached" in capsys.readouterr().err
