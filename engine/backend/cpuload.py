"""How busy the CPUs are: the kernel's counters in ``/proc/stat`` against our own CPU time.

Used by ``engine bench`` (is the machine quiet enough for the figures?) and by the default
thread count (``threads.py``: how many cores are free?).
"""
import os
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class CpuSample:
    """One reading: the busy and total time (seconds) of the CPUs we may run on, our own
    CPU time, and the wall clock."""
    busy_s: float        # all processes, on the CPUs we may use, since boot
    total_s: float       # busy + idle, the same CPUs, since boot
    own_s: float         # this process (user + system, all its threads)
    wall_s: float        # time.monotonic()


def parse_proc_stat(text, ticks_per_second=100, cpus=None):
    """(busy seconds, total seconds) from /proc/stat: of the CPUs numbered in ``cpus`` (the
    ``cpuN`` lines), or of all of them (the aggregate ``cpu`` line) when ``cpus`` is None.

    Fields: user nice system idle iowait irq softirq steal [guest guest_nice]; idle and
    iowait are idle time; guest time is already counted in user, so it is left out.
    Counting only the CPUs this process may use matters on a big shared host: other users'
    work on cores we cannot run on does not slow us down.
    """
    busy = total = 0
    found = False
    for line in text.splitlines():
        fields = line.split()
        if not fields or not fields[0].startswith("cpu"):
            continue
        name = fields[0][3:]
        if (cpus is None) != (name == ""):
            continue
        if cpus is not None and (not name.isdigit() or int(name) not in cpus):
            continue
        values = [int(v) for v in fields[1:9]]
        values += [0] * (8 - len(values))
        idle = values[3] + values[4]
        busy += sum(values) - idle
        total += sum(values)
        found = True
    if not found:
        what = "aggregate 'cpu'" if cpus is None else f"'cpuN' line for CPUs {sorted(cpus)}"
        raise ValueError(f"no {what} line in /proc/stat text")
    return busy / ticks_per_second, total / ticks_per_second


def _ticks_per_second():
    try:
        return os.sysconf("SC_CLK_TCK")
    except (AttributeError, ValueError, OSError):
        return 100


def sample():
    """A ``CpuSample`` now, or None where /proc/stat does not exist (macOS, Windows)."""
    try:
        cpus = os.sched_getaffinity(0)
    except AttributeError:
        cpus = None
    try:
        with open("/proc/stat", encoding="ascii") as f:
            text = f.read()
        try:
            busy, total = parse_proc_stat(text, _ticks_per_second(), cpus)
        except ValueError:          # CPU numbers that /proc/stat does not list: all of them
            busy, total = parse_proc_stat(text, _ticks_per_second())
    except (OSError, ValueError):
        return None
    t = os.times()
    return CpuSample(busy, total, t.user + t.system, time.monotonic())


def others_cores(before, after):
    """Cores other processes kept busy, on average, between two samples (None if unknown)."""
    if before is None or after is None or after.wall_s <= before.wall_s:
        return None
    busy = after.busy_s - before.busy_s
    own = after.own_s - before.own_s
    return max(0.0, busy - own) / (after.wall_s - before.wall_s)


def cpu_count():
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
