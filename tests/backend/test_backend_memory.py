"""engine.backend.keep_freed_memory: glibc malloc tuning that avoids page faults per step."""
import os
import subprocess
import sys

import numpy as np
import pytest

from engine.backend import memory
from engine.backend import keep_freed_memory, kept_freed_memory

glibc = pytest.mark.skipif(memory._mallopt() is None, reason="not glibc")


@glibc
def test_applied_by_default_at_import():
    assert kept_freed_memory() == memory.DEFAULT_KEEP


@glibc
def test_set_and_read_back():
    try:
        assert keep_freed_memory(64 * 2**20) is True
        assert kept_freed_memory() == 64 * 2**20
        a = np.ones(3 * 2**20 // 8)          # allocating and freeing still works
        assert a.sum() == a.size
        del a
    finally:
        keep_freed_memory(memory.DEFAULT_KEEP)
    assert kept_freed_memory() == memory.DEFAULT_KEEP


@pytest.mark.parametrize("bad", [1.5, "1", True, None])
def test_rejects_non_int(bad):
    with pytest.raises(TypeError, match="nbytes must be an int"):
        keep_freed_memory(bad)


@pytest.mark.parametrize("bad", [-1, 2**31])
def test_rejects_out_of_range(bad):
    with pytest.raises(ValueError, match=r"nbytes must be in \[0, 2\*\*31\)"):
        keep_freed_memory(bad)


def test_environment_variable_turns_it_off():
    env = dict(os.environ, ENGINE_KEEP_FREED_MEMORY="0")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repository
    out = subprocess.run([sys.executable, "-c", "import engine.backend as b; "
                          "print(b.kept_freed_memory())"], env=env, cwd=root,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "None"
