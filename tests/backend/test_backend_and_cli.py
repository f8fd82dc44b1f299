"""Choosing backends and threads; ``python -m engine info``; the public names."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import engine

needs_native = pytest.mark.skipif(not engine.backend.native_available(),
                                  reason="compiled extension not built")


@needs_native
def test_native_is_the_default_and_switching_works():
    assert engine.get_backend() == "native"
    with engine.using_backend("reference"):
        assert engine.get_backend() == "reference"
        assert engine.backend.kernels_for(np.ones(2)).name == "reference"
    assert engine.get_backend() == "native"
    engine.set_backend("reference")
    try:
        assert engine.get_backend() == "reference"
    finally:
        engine.set_backend("native")


def test_unknown_backend():
    with pytest.raises(ValueError, match="unknown backend 'gpu'"):
        engine.set_backend("gpu")


@needs_native
def test_threads():
    before = engine.get_num_threads()
    try:
        engine.set_num_threads(1)
        assert engine.get_num_threads() == 1
    finally:
        engine.set_num_threads(before)
    with pytest.raises(ValueError):
        engine.set_num_threads(0)
    with pytest.raises(TypeError):
        engine.set_num_threads(1.5)


def test_cuda_reports_unavailable_cleanly():
    if engine.cuda.is_available():
        pytest.skip("a GPU is present")
    assert engine.cuda.device_count() == 0
    assert "no CuPy" in engine.cuda.why_unavailable() or "no GPU" in engine.cuda.why_unavailable()


def test_manual_seed_repeats():
    a = engine.manual_seed(7).random(3)
    b = engine.manual_seed(7).random(3)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError):
        engine.manual_seed(-1)


@needs_native
def test_info_names_the_activation_instruction_set():
    out = subprocess.run([sys.executable, "-m", "engine", "info"], capture_output=True,
                         text=True, check=True).stdout
    isa = engine._C.kernel_isa("activations")
    assert f"activations:    {isa}" in out
    assert engine.__version__ in out
    facts = json.loads(subprocess.run([sys.executable, "-m", "engine", "info", "--json"],
                                      capture_output=True, text=True, check=True).stdout)
    assert facts["kernels"]["activations"] == isa


@needs_native
def test_engine_isa_environment_variable_forces_a_kernel():
    code = "import engine; print(engine._C.kernel_isa('activations'))"
    env = dict(os.environ, ENGINE_ISA="generic")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env).stdout.strip()
    assert out == "generic"


@needs_native
def test_bench_quick_runs_and_writes_json(tmp_path, capsys):
    path = tmp_path / "bench.json"
    from engine.bench import activations as bench
    rows = bench.bench_activations(n=20_000, repeats=1)
    table = bench.activation_table(rows)
    assert "relu" in table and "floor = copy" in table
    assert {r["impl"] for r in rows} >= {"numpy expression", "native 1 thread"}
    assert all(r["forward_ms"] > 0 for r in rows)
    from engine.__main__ import main
    assert main(["bench", "--quick", "--only", "activations", "--json", str(path)]) == 0
    saved = json.loads(path.read_text())
    assert saved["results"] and saved["info"]["kernels"]["activations"]
    assert saved["machine"]["verdict"] in ("quiet", "busy", "noisy")
    out = capsys.readouterr().out
    assert out.count("instruction sets this CPU runs") == 1      # engine info once
    assert "legend:" in out and "conditions:" in out and "summary:" in out
    assert main(["bench", "--quick", "--only", "activations", "--compare", str(path)]) == 0
    assert "compare with" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="compare"):
        main(["bench", "--only", "activations", "--compare", str(tmp_path / "missing.json")])


def test_tensor_to_device():
    t = engine.tensor([1.0, 2.0])
    assert t.to("cpu") is t and t.cpu() is t and t.to(engine.device("cpu")) is t
    if not engine.cuda.is_available():
        with pytest.raises(RuntimeError, match="cupy-cuda12x|no GPU"):
            t.to("cuda")
    with pytest.raises(ValueError, match="'cpu', 'cuda' or 'cuda:N'"):
        t.to(engine.device("tpu"))
