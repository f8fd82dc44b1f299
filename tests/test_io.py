"""engine.save / engine.load: round trips, types, atomicity, refusal of pickles and corrupt files."""
import io
import os
import stat

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


# ------------------------------------------------------------ PyTorch's forms
@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_files_get_the_permissions_the_umask_allows(tmp_path, umask):
    previous = os.umask(umask)
    try:
        engine.save({"w": np.ones(2)}, tmp_path / "m.npz")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(tmp_path / "m.npz").st_mode) == 0o666 & ~umask


def test_load_takes_pytorchs_keywords(tmp_path):
    engine.save({"w": np.arange(3.0)}, tmp_path / "m.npz")
    for kwargs in ({"map_location": "cpu"}, {"map_location": engine.device("cpu")},
                   {"weights_only": True}, {"weights_only": False, "map_location": None},
                   {"map_location": {"cuda:0": "cpu"}}, {"map_location": lambda s, loc: s}):
        np.testing.assert_array_equal(engine.load(tmp_path / "m.npz", **kwargs)["w"], [0, 1, 2])
    with pytest.raises(RuntimeError, match="device 'cuda' is not available"):
        engine.load(tmp_path / "m.npz", map_location="cuda")
    with pytest.raises(TypeError, match="weights_only"):
        engine.load(tmp_path / "m.npz", weights_only="yes")


def test_tensors_round_trip_as_tensors_and_file_objects_work():
    buffer = io.BytesIO()
    x = engine.tensor([[1.5, 2.5]], dtype=engine.float64, requires_grad=True)
    engine.save({"x": x, "labels": engine.tensor([3, 1]), "epoch": 2}, buffer)
    buffer.seek(0)
    state = engine.load(buffer)
    assert isinstance(state["x"], engine.Tensor) and state["x"].dtype == engine.float64
    assert not state["x"].requires_grad and state["x"].tolist() == [[1.5, 2.5]]
    assert state["labels"].dtype == engine.int64 and state["epoch"] == 2


def test_torch_state_dict_converts_both_ways_sharing_memory():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    ours = engine.nn.Sequential(engine.nn.Linear(4, 3), engine.nn.ReLU(), engine.nn.Linear(3, 2))
    state = engine.io.from_torch_state_dict(theirs.state_dict())
    assert np.shares_memory(state["0.weight"], theirs[0].weight.detach().numpy())
    ours.load_state_dict(state)
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    with torch.no_grad():
        want = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(engine.tensor(x)).data, want, rtol=1e-5, atol=1e-6)

    back = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    theirs_again = engine.io.to_torch_state_dict(ours.state_dict())
    assert all(isinstance(v, torch.Tensor) for v in theirs_again.values())
    back.load_state_dict(theirs_again)
    with torch.no_grad():
        np.testing.assert_allclose(back(torch.from_numpy(x)).numpy(), want, rtol=1e-5, atol=1e-6)
    half = engine.io.from_torch_state_dict({"w": torch.ones(2, dtype=torch.float16)})
    assert half["w"].dtype == np.float32
