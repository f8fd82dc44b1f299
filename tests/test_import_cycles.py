"""No module of engine imports itself back at import time, and no import hides below code.

The check reads every module's top-level ``import`` statements (not those inside functions,
which run later) and looks for a cycle in the graph they make: ``engine.tensor`` must not need
``engine.ops`` while ``engine.ops`` needs ``engine.tensor``. ``from .. import x`` counts as an
edge to the module ``x`` when it is one, else to the package.
"""
import ast
import pathlib
import subprocess
import sys

import pytest

import engine

ENGINE = pathlib.Path(engine.__file__).resolve().parent      # the engine the tests import


def _modules():
    """{dotted name: (path, is_package)} for every .py file of engine."""
    modules = {}
    for path in ENGINE.rglob("*.py"):
        parts = list(path.relative_to(ENGINE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return modules


def _top_level_imports(body):
    """The import statements that run when the module is imported (also inside if/try)."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for block in (getattr(node, "body", []), getattr(node, "orelse", []),
                          getattr(node, "finalbody", [])):
                yield from _top_level_imports(block)
            for handler in getattr(node, "handlers", []):
                yield from _top_level_imports(handler.body)


def import_graph():
    """{module: set of engine modules it imports at module level}."""
    modules = _modules()
    graph = {}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        edges = set()
        for node in _top_level_imports(ast.parse(path.read_text(encoding="utf-8")).body):
            if isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name in modules)
                continue
            base = node.module or ""
            if node.level:
                base = package
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                base += "." + node.module if node.module else ""
            for alias in node.names:
                target = f"{base}.{alias.name}"
                if target in modules:
                    edges.add(target)
                elif base in modules:
                    edges.add(base)
        graph[name] = edges
    return graph


def find_cycle(graph):
    """One import cycle as a list of modules (first = last), or None."""
    state = {}                      # module -> "open" while on the path, "done" after

    def visit(module, path):
        state[module] = "open"
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state:
                cycle = visit(target, path)
                if cycle:
                    return cycle
        path.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module, [])
            if cycle:
                return cycle
    return None


def test_the_checker_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_level_import_cycle():
    graph = import_graph()
    assert "engine.tensor" in graph and "engine.backend.native.activation" in graph
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_no_import_below_code():
    offenders = [f"{path.relative_to(ENGINE.parent)}:{number}"
                 for path in ENGINE.rglob("*.py")
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if "noqa: E402" in line]
    assert offenders == []


@pytest.mark.parametrize("module", ["engine.tensor", "engine.autograd", "engine.ops.math",
                                    "engine.nn.functional", "engine.backend.reference"])
def test_imports_first_in_a_fresh_interpreter(module):
    # Importing a submodule first still works, and leaves Tensor with its operators.
    code = f"import {module}; import engine; assert (engine.tensor([1.0]) + 1).item() == 2.0"
    subprocess.run([sys.executable, "-c", code], check=True)
