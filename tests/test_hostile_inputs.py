"""The hostile-input corpus (tests/hostile_inputs.py), all cases in one child process: a
crash, a hang, a silent answer or an unclear exception type fails, naming the case.

``python tests/hostile_inputs.py`` runs each case in its own process (slower; the counts by
class that the reliability notes quote)."""
import os
import subprocess
import sys
import tempfile

import hostile_inputs as corpus

RUNNER = corpus.PRELUDE + """
import sys, tempfile, traceback
sys.path.insert(0, {here!r})
import hostile_inputs as corpus
for i, (kind, code, expect) in enumerate(corpus.CASES):
    if i < {start}:
        continue
    print("START", i, flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        names = dict(engine=engine, np=np, nn=nn, optim=optim, F=F, tmp=tmp)
        try:
            exec(compile(code, f"<case {{i}}>", "exec"), names)
        except BaseException as e:
            print("RESULT", i, corpus.describe(e), "|", str(e)[:200].replace("\\n", " "),
                  flush=True)
        else:
            print("RESULT", i, "ok", flush=True)
"""


def _run_from(start, here):
    """Run the cases from ``start`` on in one child; its RESULT lines, and the case it died
    in (None if it finished)."""
    proc = subprocess.run([sys.executable, "-c", RUNNER.format(here=here, start=start)],
                          capture_output=True, text=True, timeout=600,
                          cwd=tempfile.gettempdir())
    results, started = {}, None
    for line in proc.stdout.splitlines():
        if line.startswith("START "):
            started = int(line.split()[1])
        elif line.startswith("RESULT "):
            _, i, rest = line.split(" ", 2)
            results[int(i)] = rest
    died = None if proc.returncode == 0 and started in results | {None: 0} else started
    if died is not None:
        results[died] = f"crashed rc={proc.returncode} | {proc.stderr[-300:]}"
    return results, died


def test_every_hostile_input_gets_a_clear_answer():
    here = os.path.dirname(os.path.abspath(__file__))
    results, start = {}, 0
    while start < len(corpus.CASES):          # after a crash, go on with the next case
        found, died = _run_from(start, here)
        results.update(found)
        start = len(corpus.CASES) if died is None else died + 1
    failures = []
    for i, (kind, code, expect) in enumerate(corpus.CASES):
        outcome = results.get(i, "not run").split(" | ")[0]
        if not corpus.verdict(expect, outcome):
            failures.append(f"[{kind}] expected {expect}, got {results.get(i)}\n    "
                            + code.replace("\n", "\n    "))
    assert not failures, f"{len(failures)} of {len(corpus.CASES)} cases:\n" + "\n".join(failures)
