"""The gemm group's ``Tensor @`` rows: the whole Python call against NumPy's a @ b."""
import numpy as np

from engine import _C
from engine.bench import gemm
from engine.bench.report import summary


def test_tensor_matmul_row_times_every_side_and_prints():
    row = gemm.tensor_matmul_row(64, "float32", 1, _C.kernel_isa("gemm"), None,
                                 np.random.default_rng(0), quick=True)
    assert row["case"] == "Tensor @ 64" and row["m"] == row["n"] == row["k"] == 64
    assert row["native_gflops"] > 0 and row["numpy_gflops"] > 0 and "torch_gflops" not in row
    assert row["peak_gflops"] > 0                 # measured around the row (with_peak)
    text = gemm.gemm_table([row])
    assert "Tensor @ 64" in text and "Tensor @ n" in text        # the row and its legend
    assert "(Tensor @)" in summary([row], None)


def test_with_peak_measures_around_the_run():
    order = []
    result, peak = gemm.with_peak(lambda: order.append("run") or "timed", "float64",
                                  _C.kernel_isa("gemm"), 1)
    assert result == "timed" and order == ["run"] and peak > 0


def test_gemm_table_header_gives_each_thread_counts_peak_range():
    row = {"group": "gemm", "case": "square 64", "m": 64, "n": 64, "k": 64,
           "dtype": "float32", "threads": 1, "isa": "avx2", "numpy_threads": 1,
           "native_gflops": 90.0, "numpy_gflops": 80.0}
    rows = [dict(row, peak_gflops=100.0), dict(row, case="square 128", peak_gflops=104.0),
            dict(row, threads=2, peak_gflops=200.0)]
    text = gemm.gemm_table(rows)
    assert "float32 1T 100-104, float32 2T 200-200 GFLOP/s" in text
    assert " 90.0" in text and " 86.5" in text      # each row against its own peak
