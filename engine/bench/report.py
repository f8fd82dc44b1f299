"""Words and structure around the figures: ratio wording, the JSON document, ``--compare``.

Pure functions of the rows (no timing here), so they are tested exactly.

Every row a group returns is a dict with ``group`` and ``case``, the fields that tell it apart
from its neighbours (``impl``, ``dtype``, ``threads``), and ``figure``: the name of its main
field, with ``better`` saying whether ``"lower"`` (a time) or ``"higher"`` (a rate) is better.
``--compare`` matches rows by those fields and compares the main figures.
"""
import math

SCHEMA = "engine-bench/2"
KEY_FIELDS = ("group", "case", "impl", "dtype", "threads")


def speed_words(seconds, other_seconds):
    """How ``seconds`` compares with ``other_seconds``, as a reader says it.

    ``speed_words(1, 2)`` is "2.00× faster", ``speed_words(2, 1)`` is "2.00× slower"; a factor
    is always ≥ 1 (never "0.8× faster"). Within half a percent: "as fast".
    """
    if not (seconds > 0 and other_seconds > 0) or math.isinf(seconds) or math.isinf(other_seconds):
        return "-"
    factor = other_seconds / seconds
    if abs(factor - 1.0) < 0.005:
        return "as fast"
    if factor > 1.0:
        return f"{factor:.2f}× faster"
    return f"{1.0 / factor:.2f}× slower"


def rate_words(rate, other_rate):
    """The same wording for rates (GFLOP/s, higher is better)."""
    if not (rate > 0 and other_rate > 0):
        return "-"
    return speed_words(1.0 / rate, 1.0 / other_rate)


def percent_of_peak(gflops, peak_gflops):
    """``100 · gflops / peak`` as text; above 100% it cannot be true (the peak was measured
    while something else ran), so it says so instead of printing the number."""
    if not peak_gflops or peak_gflops <= 0:
        return "-"
    pct = 100.0 * gflops / peak_gflops
    return f"{pct:.1f}" if pct <= 100.0 else "?>100"


def row_key(row):
    """The fields that identify a row across runs, as a tuple."""
    return tuple(row.get(k) for k in KEY_FIELDS)


def row_value(row):
    """(main figure, 'lower'/'higher') of a row, or (None, None) when it has none."""
    name = row.get("figure")
    value = row.get(name) if name else None
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        return None, None
    return float(value), row.get("better", "lower")


def compare(old_rows, new_rows):
    """One line per row present in both runs: what the change did.

    Returns a list of dicts {key, figure, old, new, words}; ``words`` reads "1.25× faster"
    when the new run is better, "1.25× slower" when worse.
    """
    old_by_key = {row_key(r): r for r in old_rows}
    changes = []
    for row in new_rows:
        old = old_by_key.get(row_key(row))
        if old is None:
            continue
        new_value, better = row_value(row)
        old_value, _ = row_value(old)
        if new_value is None or old_value is None:
            continue
        if better == "higher":
            words = rate_words(new_value, old_value)
        else:
            words = speed_words(new_value, old_value)
        changes.append({"key": row_key(row), "figure": row["figure"], "old": old_value,
                        "new": new_value, "words": words})
    return changes


def compare_table(changes, old_label="old"):
    """Text table of ``compare``'s lines."""
    if not changes:
        return f"compare with {old_label}: no rows in common"
    lines = [f"compare with {old_label}: each row's main figure, this run against the old one",
             f"{'group':11} {'case':34} {'impl / dtype / threads':28} {'figure':14} "
             f"{'old':>10} {'new':>10}  change"]
    for c in changes:
        group, case, impl, dtype, threads = c["key"]
        who = " ".join(str(v) for v in (impl, dtype, threads and f"{threads}T") if v)
        lines.append(f"{group:11} {str(case)[:34]:34} {who[:28]:28} {c['figure']:14} "
                     f"{c['old']:10.4g} {c['new']:10.4g}  {c['words']}")
    lines.append("legend: change = this run against the old one for the row's main figure "
                 "(time: lower is better; GFLOP/s: higher is better); differences within the "
                 "rows' spread are noise")
    return "\n".join(lines)


def document(info, machine, results):
    """The JSON document ``engine bench --json`` writes."""
    return {"schema": SCHEMA, "info": info, "machine": machine, "results": results}


def validate_document(doc):
    """Raise ValueError naming what is wrong with a bench JSON document (e.g. for --compare)."""
    if not isinstance(doc, dict):
        raise ValueError(f"a bench result file holds a JSON object, got {type(doc).__name__}")
    missing = [k for k in ("info", "results") if k not in doc]
    if missing:
        raise ValueError(f"a bench result file needs the keys {missing}; it has {sorted(doc)}")
    if not isinstance(doc["results"], list):
        raise ValueError("'results' must be a list of rows")
    for i, row in enumerate(doc["results"]):
        if not isinstance(row, dict) or "group" not in row or "case" not in row:
            raise ValueError(f"result row {i} needs 'group' and 'case': {row!r}")
    machine = doc.get("machine")
    if machine is not None:
        if not isinstance(machine, dict) or machine.get("verdict") not in ("quiet", "busy", "noisy"):
            raise ValueError(f"'machine' needs a verdict quiet/busy/noisy: {machine!r}")
    return doc


def _find(rows, group, case_start, impl=None, **fields):
    for r in rows:
        if (r.get("group") == group and str(r.get("case", "")).startswith(case_start)
                and (impl is None or r.get("impl") == impl)
                and all(r.get(k) == v for k, v in fields.items())):
            return r
    return None


def _time_to_accuracy_words(rows):
    """The ``mnist`` rows in words: each side's median epochs and seconds to the target."""
    sides = {r.get("impl"): r for r in rows if r.get("group") == "mnist"}
    ours, theirs = sides.get("engine native"), sides.get("pytorch")
    if not (ours and theirs):
        return ""
    seeds = ours.get("seeds", 1)

    def reached(r):
        if r.get("epochs"):
            return f"{r['epochs']:g} epochs, {r['seconds']:.1f} s"
        if seeds > 1:
            return (f"not reached by a majority of the {seeds} seeds within "
                    f"{r.get('max_epochs')} epochs")
        return f"not within {r.get('max_epochs')} epochs"
    how = f"the median of {seeds} seeds" if seeds > 1 else "1 seed"
    text = (f" To {ours['case'].split(' to ')[-1]} on MNIST ({ours.get('threads')} threads, "
            f"the same recipe, {how}): the engine {reached(ours)}, PyTorch {reached(theirs)}")
    if ours.get("seconds") and theirs.get("seconds"):
        text += f", {ours['seconds'] / theirs['seconds']:.2f}× PyTorch's time"
    return text + "."


def summary(rows, machine):
    """The one paragraph printed at the end: what the run says, in words."""
    parts = []
    for case, label in (("MLP", "an MLP training step"), ("LeNet", "a LeNet-5 training step")):
        ours, theirs = (_find(rows, "training", case, impl) for impl in ("engine native", "pytorch"))
        if ours and theirs and ours.get("seconds") and theirs.get("seconds"):
            parts.append(f"{speed_words(ours['seconds'], theirs['seconds'])} than PyTorch on "
                         f"{label}")
    ours, theirs = (_find(rows, "conv", "64→64", impl) for impl in ("native", "pytorch"))
    if ours and theirs:
        parts.append(f"{speed_words(ours['fwd_bwd_ms'], theirs['fwd_bwd_ms'])} than PyTorch on "
                     "a 3×3 64→64 convolution (forward + backward)")
    ours = _find(rows, "gemm", "Tensor @ 64", dtype="float32", threads=1)
    how = " (Tensor @)"
    if not ours:
        ours, how = _find(rows, "gemm", "square 64", dtype="float32", threads=1), ""
    if ours and ours.get("numpy_gflops"):
        parts.append(f"{rate_words(ours['native_gflops'], ours['numpy_gflops'])} than NumPy on a "
                     f"64×64 matrix product{how}")
    text = ("On this machine, at 1 thread, the engine is " + "; ".join(parts) + "."
            if parts else "")
    crowded = [r for r in rows if r.get("group") == "busy" and "busy neighbour" in r["impl"]
               and "default" in r["impl"]]
    if crowded:
        worst = max(crowded, key=lambda r: r["vs_best"])
        text += (f" With one busy neighbour, engine's default thread count was at worst "
                 f"{worst['vs_best']:.2f}× the time of the best thread count ({worst['case']}, "
                 f"mean steps, {worst['impl'].rsplit(', ', 1)[0]}).")
    text += _time_to_accuracy_words(rows)
    text = text.strip() or "No comparison rows ran (PyTorch missing or groups skipped)."
    big = [r for r in rows if r.get("group") == "gemm" and r.get("dtype") == "float32"
           and r.get("threads") == 1 and r.get("m", 0) >= 512 and r.get("m") == r.get("n")]
    if big:
        # every large square, not only the best one: the reader sees the lowest share too
        big.sort(key=lambda r: r["m"])
        shares = [percent_of_peak(r["native_gflops"], r["peak_gflops"]) for r in big]
        if all(share.replace(".", "").isdigit() for share in shares):
            text += (f" Its float32 GEMM reaches {' / '.join(shares)}% of the measured FMA "
                     f"peak at n = {' / '.join(str(r['m']) for r in big)} (1 thread).")
        else:
            text += " The FMA peak could not be measured (the machine was too busy for it)."
    verdict = (machine or {}).get("verdict")
    if verdict == "quiet":
        text += " The machine was quiet, so the absolute figures can be trusted too."
    elif verdict:
        others = machine.get("others_cores")
        why = ("" if others is None or verdict != "busy" else
               f": other programs kept {others:.1f} cores busy")
        text += (f" The machine was {verdict}{why}, so trust the ratios more than the absolute "
                 "figures, and rerun on a quiet machine to quote them.")
    return text
