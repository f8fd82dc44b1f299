"""Is the machine quiet enough for the figures to mean anything?

Two witnesses, both reported in the output and the JSON:

* **CPU time taken by others** during the run: the kernel's counters in ``/proc/stat`` say how
  much CPU time every process together used; our own process's share (``os.times``) is
  subtracted; what is left, divided by the wall time, is how many cores other programs kept
  busy (0.0 on a quiet machine, 1.0 when one other program spins on a core).
* **The spread of the repeats**: each figure is the best of N runs; when the median run is
  far above the best, something disturbed the runs.

On a busy machine the ratios measured in the same run still say something (both sides
suffered alike); the absolute figures do not.
"""
import os
import time
from dataclasses import dataclass

# Thresholds for the verdict. A quarter of a core taken by others on average is enough to
# disturb a 2-core machine; a median run 15% slower than the best means noisy repeats.
BUSY_CORES = 0.25
NOISY_SPREAD = 0.15


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


def verdict(others, median_spread):
    """'quiet', 'busy' (others took CPU time) or 'noisy' (repeats disagree), and a sentence."""
    if others is not None and others >= BUSY_CORES:
        return "busy", (f"other programs kept {others:.1f} of {cpu_count()} cores busy during "
                        "the run: absolute figures are low and thread scaling is distorted; "
                        "ratios measured side by side still compare like with like")
    if median_spread is not None and median_spread >= NOISY_SPREAD:
        return "noisy", (f"the median run was {100 * median_spread:.0f}% slower than the best "
                         "(typical repeats disagree): the figures are uncertain")
    load = "unknown (no /proc/stat)" if others is None else f"{others:.2f} cores taken by others"
    return "quiet", f"the machine was quiet ({load})"


class Monitor:
    """Samples /proc/stat at start and stop: ``others_cores`` and ``verdict`` for the span."""

    def __init__(self):
        self.before = self.after = None

    def start(self):
        self.before = sample()
        return self

    def stop(self):
        self.after = sample()
        return others_cores(self.before, self.after)
