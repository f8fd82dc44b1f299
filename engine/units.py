"""The course's teaching units ("Let's test it out – unit #N"): what every unit script shares.

A unit is a script ``examples/unitNN_<topic>.py`` with

- a module docstring naming the slides it accompanies;
- a module-level ``UNIT = {"number": N, "title": "...", "slides": "...", "minutes": M}``
  (``minutes``: the default run's time on 2 CPU cores);
- ``main(argv=None)`` returning a dict of the unit's headline numbers;
- cells marked ``# %%`` (it opens as a notebook with jupytext or VS Code).

This module gives those scripts their common pieces:

- ``parse_args(UNIT, argv)``: ``--quick``, ``--out DIR``, ``--seed N`` (seeds applied);
- ``course_mnist(quick, seed)``: MNIST wherever it can be found, else the bundled 8×8 digits;
- ``figure()`` / ``save_figure(fig, out, name)``: matplotlib figures written to files, never a window;
- ``discover()`` / ``run_unit(number, argv)``: what ``engine units`` lists and runs. The units are
  found in the source checkout's ``examples/`` folder and, in an installed package, in
  ``engine.examples`` (``examples/`` is shipped as that subpackage).
"""
import argparse
import ast
import importlib.util
import os
import time
from pathlib import Path

import numpy as np

from .data.bundled import Bunch
from .validate import non_negative_int, positive_int

__all__ = ["parse_args", "course_mnist", "figure", "save_figure", "discover", "find_unit",
           "load_unit", "run_unit", "UnitInfo"]

_UNIT_KEYS = ("number", "title", "slides", "minutes")


# ----------------------------------------------------------------------------- arguments
def _check_unit(unit):
    if not isinstance(unit, dict):
        raise TypeError(f"unit must be the script's UNIT dict, got {type(unit).__name__}")
    missing = [k for k in _UNIT_KEYS if k not in unit]
    if missing:
        raise ValueError(f"UNIT dict lacks {', '.join(missing)} (expected keys {', '.join(_UNIT_KEYS)})")
    positive_int(unit["number"], "UNIT['number']")
    return unit


def parse_args(unit, argv=None, doc=None, extra=None):
    """The command line every unit accepts; returns an ``argparse.Namespace``.

    - ``--quick``: small data, a few seconds (what CI runs);
    - ``--out DIR``: where plots go (default ``./unit_outputs/unitNN/``), created here;
    - ``--seed N`` (default 0): applied here to ``engine.manual_seed`` and NumPy's global seed.

    ``unit`` is the script's ``UNIT`` dict; ``doc`` (usually the script's ``__doc__``) becomes the
    help text; ``extra(parser)`` may add the unit's own options.
    """
    from .random import manual_seed

    unit = _check_unit(unit)
    number = int(unit["number"])
    description = doc or f"Unit {number}: {unit['title']} ({unit['slides']})"
    parser = argparse.ArgumentParser(prog=f"unit{number:02d}", description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="small data and few steps: runs in seconds (what CI runs)")
    parser.add_argument("--out", type=Path, default=Path("unit_outputs") / f"unit{number:02d}",
                        help=f"folder for the plots (default: ./unit_outputs/unit{number:02d}/)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    if extra is not None:
        extra(parser)
    args = parser.parse_args(argv)
    if args.seed < 0 or args.seed >= 2**32:       # NumPy's global seed takes 32 bits
        parser.error(f"--seed must be in [0, 2**32), got {args.seed}")
    args.seed = non_negative_int(args.seed, "--seed")
    args.out = Path(args.out)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        parser.error(f"--out {args.out}: cannot create that folder ({error.strerror or error})")
    manual_seed(args.seed)
    np.random.seed(args.seed)
    return args


# ----------------------------------------------------------------------------- figures
def figure(figsize=(6, 4), nrows=1, ncols=1, **kwargs):
    """A matplotlib ``Figure`` on the Agg canvas and its axes: ``fig, ax = figure()``.

    No pyplot, so no window ever opens (safe without a display, in CI, on servers).
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError("the unit scripts' plots need matplotlib: pip install matplotlib") from exc
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=True, **kwargs)
    return fig, axes


def save_figure(fig, out, name):
    """Write ``fig`` to ``out/name`` (``.png`` added when ``name`` has no extension); return the path."""
    path = Path(out) / name
    if not path.suffix:
        path = path.with_suffix(".png")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path


def finish(results, out, started):
    """The last step of a unit's ``main``: record in ``results`` the seconds since ``started``
    (a ``time.perf_counter()``), say where the plots are, and return ``results``."""
    results["seconds"] = time.perf_counter() - started
    print(f"\nplots in {out}; {results['seconds']:.0f} s")
    return results


# ----------------------------------------------------------------------------- MNIST
def _mnist_candidates():
    """Folders that may hold MNIST: ``$ENGINE_DATA/mnist``, then ``shared/data/mnist`` beside the
    repository (as CI lays it out: ``<repo>/../shared``), seen from this package's source checkout
    and from the current directory and its parents."""
    seen, out = set(), []
    env = os.environ.get("ENGINE_DATA")
    if env:
        out.append(Path(env) / "mnist")
    roots = [Path(__file__).resolve().parents[1]]          # the source checkout, if that is where we are
    cwd = Path.cwd().resolve()
    roots += [cwd, *list(cwd.parents)[:3]]
    for root in roots:
        for candidate in (root / "shared" / "data" / "mnist", root.parent / "shared" / "data" / "mnist"):
            if candidate not in seen:
                seen.add(candidate)
                out.append(candidate)
    return out


def _subsample(x, y, n, rng):
    if n is None or n >= len(x):
        return x, y
    idx = np.sort(rng.choice(len(x), size=n, replace=False))
    return x[idx], y[idx]


def course_mnist(quick, seed=0, n_train=None, n_test=None, download=None, verbose=True):
    """MNIST for a unit: ``((x_train, y_train), (x_test, y_test), name)``.

    Images float32 in [0, 1], shape (N, 1, H, W); labels int64. Looked for in ``$ENGINE_DATA/mnist``,
    in ``shared/data/mnist`` beside the repository (CI's layout, from the package's checkout or the
    current directory), then in the download cache, downloading (checksum-verified) when allowed
    (``download=None``: only for a full run, not with ``quick``, so CI never waits on a network).
    ``quick`` keeps a seeded subsample (``n_train``/``n_test``, default 2000/500).

    When MNIST cannot be had, the bundled 8×8 digits (``engine.data.load_digits``) stand in,
    shaped (N, 1, 8, 8), scaled to [0, 1] and split 80/20 (seeded); a printed line says so and why.
    ``name`` is ``"MNIST"`` or ``"digits (8x8, bundled)"``.
    """
    from .data import load_digits, load_mnist

    n_train = positive_int(n_train, "n_train", allow_none=True)
    n_test = positive_int(n_test, "n_test", allow_none=True)
    if quick:
        n_train = n_train or 2000
        n_test = n_test or 500
    if download is None:
        download = not quick
    rng = np.random.default_rng(seed)
    data, why = None, []
    for folder in _mnist_candidates():
        if folder.is_dir():
            try:
                data = load_mnist(path=folder, download=False)
                break
            except (FileNotFoundError, ValueError) as exc:
                why.append(f"{folder}: {exc}")
    if data is None:
        try:
            data = load_mnist(download=download, timeout=15.0)   # the cache, or a verified download
        except (FileNotFoundError, ValueError, OSError) as exc:
            why.append(str(exc).splitlines()[0] + ("" if download else " (downloads off in --quick)"))
    if data is not None:
        (xtr, ytr), (xte, yte) = data
        xtr, ytr = _subsample(xtr, ytr, n_train, rng)
        xte, yte = _subsample(xte, yte, n_test, rng)
        return (xtr, ytr), (xte, yte), "MNIST"

    x, y = load_digits()
    x = (x / np.float32(16.0)).reshape(-1, 1, 8, 8).astype(np.float32)
    order = rng.permutation(len(x))
    n_te = len(x) // 5
    te, tr = order[:n_te], order[n_te:]
    (xtr, ytr), (xte, yte) = (x[tr], y[tr]), (x[te], y[te])
    xtr, ytr = _subsample(xtr, ytr, n_train, rng)
    xte, yte = _subsample(xte, yte, n_test, rng)
    if verbose:
        print("MNIST not found (" + "; ".join(why[-1:]) + "): falling back to the bundled 8x8 digits "
              f"({len(xtr)} train / {len(xte)} test). Set $ENGINE_DATA to a folder holding mnist/ "
              "to use MNIST.")
    return (xtr, ytr), (xte, yte), "digits (8x8, bundled)"


# ----------------------------------------------------------------------------- discovery
class UnitInfo(Bunch):
    """One unit: ``number, title, slides, minutes, module, path`` (also as attributes)."""


def _unit_dirs():
    """Where unit scripts live: the checkout's ``examples/`` and the installed ``engine.examples``."""
    dirs = []
    root = Path(__file__).resolve().parents[1]
    if (root / "pyproject.toml").is_file() and (root / "examples").is_dir():   # a source checkout
        dirs.append(root / "examples")
    installed = Path(__file__).resolve().parent / "examples"
    if installed.is_dir():
        dirs.append(installed)
    return dirs


def _read_unit(path):
    """The ``UNIT`` dict of a script, read without running it (its source parsed by ``ast``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "UNIT"
                                                for t in node.targets):
            try:
                unit = ast.literal_eval(node.value)
            except ValueError:
                return None
            if isinstance(unit, dict) and all(k in unit for k in _UNIT_KEYS):
                return unit
    return None


def discover():
    """The units found, sorted by number: a list of ``UnitInfo`` (number, title, slides, minutes,
    module name, path). The first folder that has a unit number wins (the checkout over an install)."""
    found = {}
    for folder in _unit_dirs():
        for path in sorted(folder.glob("unit[0-9][0-9]_*.py")):
            unit = _read_unit(path)
            if unit is None or int(unit["number"]) in found:
                continue
            found[int(unit["number"])] = UnitInfo(number=int(unit["number"]), title=unit["title"],
                                                  slides=unit["slides"], minutes=unit["minutes"],
                                                  module=path.stem, path=path)
    return [found[n] for n in sorted(found)]


def find_unit(number):
    """The ``UnitInfo`` of unit ``number``; ``ValueError`` listing the units when there is none."""
    number = positive_int(number, "unit number")
    units = discover()
    for info in units:
        if info.number == number:
            return info
    have = ", ".join(str(u.number) for u in units) or "none"
    raise ValueError(f"no unit {number}: the units found are {have}")


def load_unit(number):
    """Import unit ``number``'s script as a module (its ``main`` is not run)."""
    info = find_unit(number)
    spec = importlib.util.spec_from_file_location(f"engine_unit_{info.module}", info.path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_unit(number, argv=None):
    """Run unit ``number``'s ``main(argv)`` and return its headline numbers."""
    return load_unit(number).main(argv)


def format_units(units=None):
    """The table ``engine units`` prints."""
    units = discover() if units is None else units
    if not units:
        return "no units found"
    rows = [("unit", "title", "slides", "minutes (2 cores)", "script")]
    clip = lambda text, n: text if len(text) <= n else text[:n - 1] + "…"      # noqa: E731
    rows += [(str(u.number), clip(u.title, 60), clip(u.slides, 40), str(u.minutes), u.path.name)
             for u in units]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append("run one: engine units run N [--quick] [--out DIR] [--seed S]")
    return "\n".join(lines)
