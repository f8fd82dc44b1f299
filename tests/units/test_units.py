"""The course's teaching units: found by ``discover()`` (in a checkout and in an install), each
run with ``--quick`` into a temporary folder, writing its plots and returning its numbers."""
import ast

import numpy as np
import pytest

import engine.units as units
from engine.__main__ import main as cli

UNITS = units.discover()


def test_units_1_to_7_are_found():
    numbers = [u.number for u in UNITS]
    assert set(range(1, 8)) <= set(numbers)
    assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))


@pytest.mark.parametrize("info", UNITS, ids=lambda u: u.module)
def test_unit_script_layout(info):
    source = info.path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    doc = ast.get_docstring(tree)
    assert doc and "Slides" in doc, "the docstring names the slides"
    assert "# %%" in source, "cells marked for notebooks"
    assert any(isinstance(n, ast.FunctionDef) and n.name == "main" for n in tree.body)
    assert 'if __name__ == "__main__":' in source
    assert info.path.name.startswith(f"unit{info.number:02d}_")
    assert info.title and info.slides and float(info.minutes) > 0


# the headline numbers each unit must produce (units without an entry: a non-empty dict)
def _unit1(r):
    assert r["gemm_speedup_native"] > 0 and r["lenet_speedup_native"] > 0
    assert r["gpu"] in (True, False)


def _unit2(r):
    assert r["AND"]["converged"] and r["OR"]["converged"]
    assert r["AND"]["predictions"] == [0, 0, 0, 1] and r["OR"]["predictions"] == [0, 1, 1, 1]
    assert not r["XOR"]["converged"] and min(r["XOR"]["errors"]) >= 1


def _unit3(r):
    assert abs(r[0.3]["final_w"] - 3) < 1e-3                  # the good rate converges
    assert abs(r[0.02]["final_w"] - 3) > 0.1                  # the low one crawls
    assert abs(r[1.05]["final_w"] - 3) > abs(r[1.05]["path"][0] - 3)   # the high one diverges
    assert r["non_convex_from_+2"] > 1.0 and r["non_convex_from_-2"] < -1.0


def _unit4(r):
    assert r["hidden"]["correct"] == 4 and r["linear"]["correct"] < 4


def _unit5(r):
    assert r["split"] == [397, 86, 86] and r["missing_values"] > 0
    assert r["test"]["accuracy"] > 0.85 and 0.5 < r["wine_cv_mean"] <= 1.0
    assert set(r["imbalance"]) == {"no remedy", "class weights", "oversampling", "undersampling"}


def _unit6(r):
    assert abs(r["w"] - 1.8) < 0.01 and abs(r["b"] - 32) < 0.01          # the slide's neuron
    assert r["diabetes_test_mse"] < r["diabetes_baseline_mse"]
    assert r["poly12_train_mse"] < r["poly1_train_mse"] and r["poly3_test_mse"] < r["poly1_test_mse"]


def _unit7(r):
    w = r["worked_examples"]
    assert w["always_negative_accuracy"] == pytest.approx(0.95)
    assert w["always_negative_balanced"] == pytest.approx(0.5)
    assert w["six_images"] == pytest.approx({"specificity": 1 / 3, "recall": 2 / 3, "precision": 0.5,
                                             "accuracy": 0.5})
    assert w["multiclass_accuracy"] == pytest.approx(0.83)
    assert r["test_accuracy"] > 0.5 and r["auc"] > 0.8
    assert r["top_k"][1] <= r["top_k"][2] <= r["top_k"][3]
    assert np.asarray(r["confusion_matrix"]).shape == (10, 10)


CHECKS = {1: _unit1, 2: _unit2, 3: _unit3, 4: _unit4, 5: _unit5, 6: _unit6, 7: _unit7}


@pytest.mark.parametrize("info", UNITS, ids=lambda u: u.module)
def test_unit_runs_quick_and_writes_its_plots(info, tmp_path):
    out = tmp_path / "plots"
    result = units.run_unit(info.number, ["--quick", "--out", str(out), "--seed", "0"])
    assert isinstance(result, dict) and result
    pngs = list(out.glob("*.png"))
    assert pngs, f"unit {info.number} wrote no plot into --out"
    assert all(p.stat().st_size > 1000 for p in pngs)
    if info.number in CHECKS:
        CHECKS[info.number](result)


def test_cli_lists_the_units(capsys):
    assert cli(["units"]) == 0
    text = capsys.readouterr().out
    for info in UNITS:
        assert info.path.name in text
    assert "Gradient descent" in text


def test_cli_runs_a_unit(tmp_path, capsys):
    assert cli(["units", "run", "3", "--quick", "--out", str(tmp_path)]) == 0
    assert "local minimum" in capsys.readouterr().out
    assert (tmp_path / "unit03_learning_rates.png").exists()


def test_cli_unknown_unit(capsys):
    assert cli(["units", "run", "99"]) == 2
    assert "no unit 99" in capsys.readouterr().err


def test_parse_args_defaults_and_checks(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    unit = {"number": 3, "title": "t", "slides": "s", "minutes": 1}
    args = units.parse_args(unit, [])
    assert args.quick is False and args.seed == 0
    assert args.out.resolve() == (tmp_path / "unit_outputs" / "unit03").resolve() and args.out.is_dir()
    a = np.random.rand()
    units.parse_args(unit, ["--seed", "0"])
    assert np.random.rand() == a                      # the seed is applied
    for bad in ("-1", str(2**32)):                    # NumPy's global seed takes 32 bits
        with pytest.raises(SystemExit):
            units.parse_args(unit, ["--seed", bad])
    (tmp_path / "a_file").write_text("")
    with pytest.raises(SystemExit):                   # a clean usage error, not a traceback
        units.parse_args(unit, ["--out", str(tmp_path / "a_file" / "plots")])
    with pytest.raises(ValueError, match="lacks"):
        units.parse_args({"number": 1}, [])
    with pytest.raises(TypeError, match="UNIT"):
        units.parse_args([1, 2], [])


def test_course_mnist_falls_back_to_the_bundled_digits(monkeypatch, capsys):
    import engine.data

    def no_mnist(*args, **kwargs):
        raise FileNotFoundError("mnist files not found (test)")
    monkeypatch.setattr(units, "_mnist_candidates", lambda: [])
    monkeypatch.setattr(engine.data, "load_mnist", no_mnist)
    (x_tr, y_tr), (x_te, y_te), name = units.course_mnist(quick=True, seed=1)
    assert name == "digits (8x8, bundled)"
    assert x_tr.shape[1:] == (1, 8, 8) and x_tr.dtype == np.float32
    assert 0.0 <= x_tr.min() and x_tr.max() <= 1.0
    assert len(x_tr) + len(x_te) == 1797 and y_tr.dtype == np.int64
    assert "falling back to the bundled 8x8 digits" in capsys.readouterr().out


def test_figure_helper_writes_png(tmp_path):
    fig, ax = units.figure()
    ax.plot([0, 1], [1, 0])
    path = units.save_figure(fig, tmp_path / "sub", "line")
    assert path.name == "line.png" and path.stat().st_size > 1000


def test_mnist_best_augmentation():
    """random_affine: the identity with no rotation/zoom/shift; a small move keeps most ink."""
    import importlib.util
    path = next(d / "mnist_best.py" for d in units._unit_dirs() if (d / "mnist_best.py").exists())
    spec = importlib.util.spec_from_file_location("mnist_best_for_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = np.zeros((3, 1, 28, 28), np.float32)
    x[:, :, 10:18, 11:17] = 1.0
    rng = np.random.default_rng(0)
    np.testing.assert_allclose(module.random_affine(x, rng, 0.0, 0.0, 0.0), x, atol=1e-6)
    moved = module.random_affine(x, rng)
    assert moved.shape == x.shape and moved.dtype == np.float32
    assert 0.75 * x[0].sum() < moved[0].sum() < 1.3 * x[0].sum()
    assert not np.allclose(moved, x)
