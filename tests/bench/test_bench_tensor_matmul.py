"""The gemm group's ``Tensor @`` rows: the whole Python call against NumPy's a @ b."""
import numpy as np

from engine.bench import gemm
from engine.bench.report import summary


def test_tensor_matmul_row_times_every_side_and_prints():
    row = gemm.tensor_matmul_row(64, "float32", 1, "test-isa", None, np.random.default_rng(0),
                                 quick=True)
    assert row["case"] == "Tensor @ 64" and row["m"] == row["n"] == row["k"] == 64
    assert row["native_gflops"] > 0 and row["numpy_gflops"] > 0 and "torch_gflops" not in row
    row["peak_gflops"] = 100.0
    text = gemm.gemm_table([row])
    assert "Tensor @ 64" in text and "Tensor @ n" in text        # the row and its legend
    assert "(Tensor @)" in summary([row], None)
