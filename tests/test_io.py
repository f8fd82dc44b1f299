"""engine.save / engine.load: round trips, types, atomicity, refusal of pickles and corrupt files."""
import os

import numpy as np
import pytest

import engine
from engine import nn, optim


def test_round_trip_types(tmp_path):
    obj = {"model": {"0.weight": np.arange(6, dtype=np.float32).reshape(2, 3)},
           "epoch": 3, "lr": 0.5, "name": "run-1", "flag": True, "nothing": None,
           "history": [0.5, 0.25], "ids": [1, 2], "nested": {"deep": {"x": np.int64(4)}},
           "empty": {}}
    path = tmp_path / "ck.npz"
    engine.save(obj, path)
    back = engine.load(path)
    assert back["epoch"] == 3 and type(back["epoch"]) is int
    assert back["lr"] == 0.5 and type(back["lr"]) is float
    assert back["name"] == "run-1" and back["flag"] is True and back["nothing"] is None
    assert back["history"] == [0.5, 0.25] and back["ids"] == [1, 2]
    assert back["nested"]["deep"]["x"] == 4 and back["empty"] == {}
    np.testing.assert_array_equal(back["model"]["0.weight"], obj["model"]["0.weight"])
    assert back["model"]["0.weight"].dtype == np.float32


def test_module_and_optimizer_directly(tmp_path):
    engine.manual_seed(0)
    m = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    opt = optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
    m(engine.Tensor(np.ones((4, 3), np.float32))).sum().backward()
    opt.step()
    engine.save(m, tmp_path / "m.npz")
    engine.save({"model": m, "optimizer": opt, "epoch": 1}, tmp_path / "all.npz")
    m2 = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    m2.load_state_dict(engine.load(tmp_path / "m.npz"))
    np.testing.assert_array_equal(m2[0].weight.numpy(), m[0].weight.numpy())
    ck = engine.load(tmp_path / "all.npz")
    assert ck["optimizer"]["param_groups"]["0"]["momentum"] == 0.9
    assert ck["optimizer"]["state"]["0"]["momentum_buffer"].shape == (2, 3)


def test_atomic_write_keeps_old_file_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "ck.npz"
    engine.save({"v": 1}, path)

    def boom(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(np, "savez", boom)
    with pytest.raises(OSError, match="disk full"):
        engine.save({"v": 2}, path)
    monkeypatch.undo()
    assert engine.load(path)["v"] == 1
    assert os.listdir(tmp_path) == ["ck.npz"]  # no temporary file left behind


def test_refuses_bad_content(tmp_path):
    with pytest.raises(TypeError, match="object"):
        engine.save({"x": np.array([{}, 1], dtype=object)}, tmp_path / "a.npz")
    with pytest.raises(ValueError, match="keys"):
        engine.save({"a/b": 1}, tmp_path / "a.npz")
    with pytest.raises(TypeError):
        engine.save({"f": print}, tmp_path / "a.npz")
    with pytest.raises(TypeError):
        engine.save({"l": ["a", "b"]}, tmp_path / "a.npz")


def test_load_refuses_pickles_and_corrupt_files(tmp_path):
    pickled = tmp_path / "p.npz"
    np.savez(pickled, __engine_manifest__=np.array('{"format": 1, "types": {"x": "array"}}'),
             x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match=str(pickled)):
        engine.load(pickled)
    good = tmp_path / "g.npz"
    engine.save({"x": np.arange(1000.0)}, good)
    truncated = tmp_path / "t.npz"
    truncated.write_bytes(good.read_bytes()[:500])
    with pytest.raises(ValueError, match="t.npz"):
        engine.load(truncated)
    garbage = tmp_path / "junk.npz"
    garbage.write_bytes(b"not a zip file at all")
    with pytest.raises(ValueError, match="junk.npz"):
        engine.load(garbage)
    foreign = tmp_path / "f.npz"
    np.savez(foreign, x=np.ones(2))
    with pytest.raises(ValueError, match="manifest"):
        engine.load(foreign)
    with pytest.raises(FileNotFoundError):
        engine.load(tmp_path / "missing.npz")


def test_atomic_write_all_or_nothing(tmp_path):
    from engine.io import atomic_write
    path = tmp_path / "notes.txt"
    with atomic_write(path, "w", encoding="utf-8") as f:
        f.write("first")
    with pytest.raises(RuntimeError):
        with atomic_write(path, "w", encoding="utf-8") as f:
            f.write("half of the second")
            raise RuntimeError("crash mid-write")
    assert path.read_text(encoding="utf-8") == "first"
    assert os.listdir(tmp_path) == ["notes.txt"]       # the temporary file is gone
    with pytest.raises(ValueError, match="mode"):
        with atomic_write(path, "a"):
            pass
