"""load_csv / load_json on hostile tables: ValueError naming the file and the line (CSV) or
record (JSON) for infinities, header-only files, ragged rows, differing keys, non-numbers."""
import json

import numpy as np
import pytest

from engine import data as D

BAD_CSV = {
    "inf_cell": ("a,b,y\n1,2,x\n3,inf,z\n", "line 3"),
    "minus_infinity_cell": ("a,b,y\n1,-Infinity,x\n", "line 2"),
    "overflowing_cell": ("a,b,y\n1,1e999,x\n", "line 2"),
    "header_only": ("a,b,y\n", "no data rows"),
    "header_only_blank_lines": ("a,b,y\n\n\n", "no data rows"),
    "empty": ("", "empty"),
    "ragged_short": ("a,b,y\n1,2,x\n3,4\n", "line 3"),
    "ragged_long": ("a,b,y\n1,2,x,9\n", "line 2"),
    "text_in_numeric_column": ("a,b,y\n1,2,x\n3,four,z\n", "line 3"),
    "duplicate_header": ("a,a,y\n1,2,x\n", "duplicate"),
    "ragged_after_blank_line": ("a,b,y\n1,2,x\n\n1,2\n", "line 4"),
    "inf_in_target_labels": ("a,y\n1,2\n3,inf\n", "line 3"),
    "missing_class_label": ("a,y\n1,cat\n3,\n", "line 3"),
}

BAD_JSON = {
    "infinity_token": ('[{"a": 1, "y": "p"}, {"a": Infinity, "y": "q"}]', "record 1"),
    "nan_token": ('[{"a": NaN, "y": "p"}]', "record 0"),
    "huge_int": ('[{"a": 1' + "0" * 400 + ', "y": "p"}]', "record 0"),
    "differing_keys": ('[{"a": 1, "y": "p"}, {"b": 2, "y": "q"}]', "record 1"),
    "missing_key": ('[{"a": 1, "b": 2, "y": "p"}, {"a": 2, "y": "q"}]', "record 1"),
    "extra_key": ('[{"a": 1, "y": "p"}, {"a": 2, "y": "q", "z": 3}]', "record 1"),
    "duplicate_key": ('[{"a": 1, "a": 2, "y": "p"}]', "duplicate"),
    "empty_list": ("[]", "non-empty"),
    "empty_columns": ('{"a": [], "y": []}', "no data rows"),
    "ragged_columns": ('{"a": [1, 2], "y": ["p"]}', "common length"),
    "list_cell": ('[{"a": [1, 2], "y": "p"}]', "record 0"),
    "string_cell": ('[{"a": "one", "y": "p"}]', "record 0"),
    "not_json": ("{oops", "line 1"),
    "scalar": ("3", "expected"),
    "records_not_objects": ("[1, 2]", "records"),
    "deep_nesting": ("[" * 100000 + "]" * 100000, "nested|JSON|records"),
    "infinity_target": ('[{"a": 1, "y": Infinity}, {"a": 2, "y": "q"}]', "record 0"),
}


@pytest.mark.parametrize("name", sorted(BAD_CSV))
def test_bad_csv_raises_naming_path_and_line(tmp_path, name):
    text, where = BAD_CSV[name]
    path = tmp_path / f"{name}.csv"
    path.write_text(text)
    with pytest.raises(ValueError) as info:
        D.load_csv(path, target="y")
    assert str(path) in str(info.value) and where in str(info.value)


@pytest.mark.parametrize("name", sorted(BAD_JSON))
def test_bad_json_raises_naming_path_and_record(tmp_path, name):
    text, where = BAD_JSON[name]
    path = tmp_path / f"{name}.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=where) as info:
        D.load_json(path, target="y")
    assert str(path) in str(info.value)


def test_csv_not_utf8_names_the_path(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(b"a,y\n\xff\xfe,1\n")
    with pytest.raises(ValueError, match="UTF-8"):
        D.load_csv(path)


def test_documented_missing_markers_still_mean_nan(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("a,b,y\nnan,NA,x\n?,,z\n2.5,-3,x\n")
    t = D.load_csv(path, target="y")
    assert np.isnan(t.x[:2]).all() and t.x[2].tolist() == [2.5, -3.0]
    path = tmp_path / "ok.json"
    path.write_text(json.dumps([{"a": None, "y": 1.5}, {"a": 2, "y": 3}]))
    t = D.load_json(path, target="y")
    assert np.isnan(t.x[0, 0]) and t.y.tolist() == [1.5, 3.0]
