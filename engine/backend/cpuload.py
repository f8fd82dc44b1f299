"""How busy the CPUs are: the kernel's counters in ``/proc/stat`` against our own CPU time.

Used by ``engine bench`` (is the machine quiet enough for the figures?) and by the default
thread count (``threads.py``: how many cores are free?).
"""
import os
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class CpuSample:
    """One reading: all CPUs' busy and total time (seconds), ours, and the wall clock."""
    busy_s: float        # all processes, all CPUs, since boot
    total_s: float       # busy + idle, all CPUs, since boot
    own_s: float         # this process (user + system, all its threads)
    wall_s: float        # time.monotonic()


def parse_proc_stat(text, ticks_per_second=100):
    """(busy seconds, total seconds) from the aggregate ``cpu`` line of /proc/stat.

    Fields: user nice system idle iowait irq softirq steal [guest guest_nice]; idle and
    iowait are idle time; guest time is already counted in user, so it is left out.
    """
    for line in text.splitlines():
        fields = line.split()
        if fields and fields[0] == "cpu":
            values = [int(v) for v in fields[1:9]]
            values += [0] * (8 - len(values))
            idle = values[3] + values[4]
            total = sum(values)
            return (total - idle) / ticks_per_second, total / ticks_per_second
    raise ValueError("no aggregate 'cpu' line in /proc/stat text")


def _ticks_per_second():
    try:
        return os.sysconf("SC_CLK_TCK")
    except (AttributeError, ValueError, OSError):
        return 100


def sample():
    """A ``CpuSample`` now, or None where /proc/stat does not exist (macOS, Windows)."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            busy, total = parse_proc_stat(f.read(), _ticks_per_second())
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
