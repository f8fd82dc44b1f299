"""Module / Optimizer ``load_state_dict``: all or nothing, complex and lossy values refused
(the rule of engine.state_values), checked before anything is assigned."""
import numpy as np
import pytest

import engine
from engine import nn


def model():
    engine.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))


def snapshot(m):
    return {k: v.copy() for k, v in m.state_dict().items()}


def _bad_module_values():
    """(name, key, value) whose loading must be refused; the first key ("0.weight") is always
    valid in the dict, so an all-or-nothing failure is visible."""
    yield "complex", "2.weight", np.ones((2, 4), np.complex128)
    yield "complex_zero_imag", "2.weight", np.ones((2, 4), np.complex64)
    yield "string", "2.weight", np.full((2, 4), "a")
    yield "object", "2.weight", np.array([[None] * 4] * 2, dtype=object)
    yield "none", "2.weight", None
    yield "dict", "2.weight", {"a": 1}
    yield "bool_into_float", "2.weight", np.ones((2, 4), bool)
    yield "overflow_to_inf_float32", "2.weight", np.full((2, 4), 1e300)
    yield "fractional_into_int_buffer", "1.num_batches_tracked", np.array(2.5)
    yield "nan_into_int_buffer", "1.num_batches_tracked", np.array(np.nan)
    yield "huge_into_int_buffer", "1.num_batches_tracked", np.array(2 ** 64 - 1, np.uint64)
    yield "wrong_shape", "2.weight", np.ones((4, 2), np.float32)
    yield "wrong_ndim", "2.bias", np.ones((2, 1), np.float32)
    yield "ragged_list", "2.bias", [[1.0], [2.0, 3.0]]


BAD = list(_bad_module_values())


@pytest.mark.parametrize("name,key,value", BAD, ids=[b[0] for b in BAD])
def test_module_refuses_and_changes_nothing(name, key, value):
    m = model()
    before = snapshot(m)
    sd = snapshot(m)
    sd["0.weight"] = sd["0.weight"] + 1.0         # valid, listed first: must not be assigned
    sd[key] = value
    with pytest.raises(ValueError, match=key.replace(".", r"\.")):
        m.load_state_dict(sd)
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_module_accepted_casts():
    m = model()
    sd = snapshot(m)
    sd["2.weight"] = sd["2.weight"].astype(np.float64) / 3      # float64 → float32 rounds
    sd["2.bias"] = np.array([1, -2], np.int64)                   # ints into floats
    sd["1.num_batches_tracked"] = np.array(7.0)                  # a whole float into int64
    sd["1.running_var"] = np.array([np.nan, 1, 1, 1], np.float32)  # NaN data stays NaN
    m.load_state_dict(sd)
    out = m.state_dict()
    np.testing.assert_array_equal(out["2.weight"], sd["2.weight"].astype(np.float32))
    assert out["2.bias"].tolist() == [1.0, -2.0]
    assert int(out["1.num_batches_tracked"]) == 7 and np.isnan(out["1.running_var"][0])


def opt_with_state():
    m = model()
    opt = engine.optim.Adam(m.parameters(), lr=0.01)
    m(engine.Tensor(np.ones((5, 3), np.float32))).sum().backward()
    opt.step()
    return m, opt


def _bad_optimizer_dicts(sd):
    import copy
    def edit(fn):
        d = copy.deepcopy(sd)
        fn(d)
        return d
    yield "not_a_dict", [1, 2]
    yield "no_param_groups", {"state": {}}
    yield "complex_lr", edit(lambda d: d["param_groups"][0].update(lr=1 + 2j))
    yield "string_lr", edit(lambda d: d["param_groups"][0].update(lr="fast"))
    yield "nan_lr", edit(lambda d: d["param_groups"][0].update(lr=float("nan")))
    yield "betas_wrong_length", edit(lambda d: d["param_groups"][0].update(betas=[0.9]))
    yield "missing_hyper_parameter", edit(lambda d: d["param_groups"][0].pop("betas"))
    yield "sgd_state_into_adam", {"state": {}, "param_groups": [
        {"lr": 0.1, "momentum": 0.9, "params": list(range(6))}]}
    yield "param_count", edit(lambda d: d["param_groups"][0].update(params=[0, 1]))
    yield "group_count", edit(lambda d: d["param_groups"].append(dict(d["param_groups"][0])))
    yield "state_index_out_of_range", edit(lambda d: d["state"].update({99: d["state"][0]}))
    yield "state_index_not_a_number", edit(lambda d: d["state"].update({"x": d["state"][0]}))
    yield "buffer_wrong_shape", edit(lambda d: d["state"][5].update(exp_avg=np.zeros((7, 7))))
    yield "buffer_complex", edit(lambda d: d["state"][5].update(
        exp_avg=np.zeros(d["state"][5]["exp_avg"].shape, np.complex128)))
    yield "step_string", edit(lambda d: d["state"][5].update(step="three"))
    yield "step_complex", edit(lambda d: d["state"][5].update(step=1j))


def test_optimizer_refuses_and_changes_nothing():
    m, opt = opt_with_state()
    sd = opt.state_dict()
    sd = {"state": {int(k): v for k, v in sd["state"].items()},
          "param_groups": [sd["param_groups"][k] for k in sorted(sd["param_groups"], key=int)]}
    tried = 0
    for name, bad in _bad_optimizer_dicts(sd):
        m2, opt2 = opt_with_state()
        opt2.param_groups[0]["lr"] = 0.5
        before = {id(p): {k: (v.copy() if hasattr(v, "copy") else v) for k, v in s.items()}
                  for p, s in opt2.state.items()}
        with pytest.raises(ValueError):
            opt2.load_state_dict(bad)
        assert opt2.param_groups[0]["lr"] == 0.5, name
        for p, s in opt2.state.items():
            for k, v in s.items():
                np.testing.assert_array_equal(v, before[id(p)][k], err_msg=name)
        tried += 1
    assert tried == 16


def test_optimizer_round_trip_through_a_file(tmp_path):
    m, opt = opt_with_state()
    engine.save(opt, tmp_path / "o.npz")
    m2, opt2 = opt_with_state()
    opt2.load_state_dict(engine.load(tmp_path / "o.npz"))
    for p, q in zip(opt.param_groups[0]["params"], opt2.param_groups[0]["params"]):
        np.testing.assert_array_equal(opt.state[p]["exp_avg"], opt2.state[q]["exp_avg"])
        assert opt2.state[q]["step"] == opt.state[p]["step"] and type(opt2.state[q]["step"]) is int
    assert opt2.param_groups[0]["betas"] == opt.param_groups[0]["betas"]
