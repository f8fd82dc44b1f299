"""Tensors pass to and from NumPy and PyTorch without copies: __array__, DLPack
(__dlpack__, __dlpack_device__, engine.from_dlpack), from_numpy."""
import numpy as np
import pytest

import engine


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "uint8", "bool"])
def test_numpy_reads_a_tensor_without_a_copy(dtype):
    t = engine.tensor(np.arange(6).reshape(2, 3).astype(dtype))
    for arr in (np.asarray(t), np.from_dlpack(t)):
        assert np.shares_memory(arr, t.data) and arr.dtype == dtype and arr.shape == (2, 3)
    assert t.__dlpack_device__() == (1, 0)            # kDLCPU, device 0


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int16", "bool"])
def test_from_dlpack_shares_numpy_memory(dtype):
    arr = np.arange(4).astype(dtype)
    t = engine.from_dlpack(arr)
    assert isinstance(t, engine.Tensor) and t.dtype == dtype and np.shares_memory(t.data, arr)
    assert engine.from_dlpack(t) is t


def test_from_dlpack_refuses_objects_without_dlpack():
    with pytest.raises(TypeError, match="__dlpack__"):
        engine.from_dlpack([1, 2, 3])


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
def test_pytorch_and_engine_share_memory_both_ways(dtype):
    torch = pytest.importorskip("torch")
    t = engine.tensor(np.arange(4).astype(dtype))
    theirs = torch.from_dlpack(t)
    assert str(theirs.dtype) == f"torch.{dtype}"
    theirs[0] = 1                                      # a change on one side shows on the other
    assert t.tolist()[0] == 1
    source = torch.zeros(3, dtype=getattr(torch, dtype))
    ours = engine.from_dlpack(source)
    source[2] = 1
    assert ours.dtype == dtype and ours.tolist()[2] == 1
    assert np.shares_memory(ours.data, source.numpy())


def test_pytorch_reads_tensors_through_the_array_protocol_and_gradients_flow_in_engine():
    torch = pytest.importorskip("torch")
    x = engine.tensor([1.0, 2.0], requires_grad=True)
    np.testing.assert_array_equal(torch.as_tensor(x).numpy(), [1.0, 2.0])
    y = engine.from_dlpack(torch.tensor([3.0, 4.0]))
    (x * y).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 4.0])
    with pytest.raises((RuntimeError, BufferError)):
        engine.from_dlpack(torch.ones(2, requires_grad=True))   # PyTorch asks for .detach()


def test_float16_from_pytorch_is_converted_to_float32():
    torch = pytest.importorskip("torch")
    t = engine.from_dlpack(torch.ones(2, dtype=torch.float16))
    assert t.dtype == engine.float32 and t.tolist() == [1.0, 1.0]
