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
from ..backend.cpuload import (CpuSample, cpu_count, others_cores,  # noqa: F401  (re-exported)
                               parse_proc_stat, sample)

# Thresholds for the verdict. A quarter of a core taken by others on average is enough to
# disturb a 2-core machine; a median run 15% slower than the best means noisy repeats.
__all__ = ["CpuSample", "parse_proc_stat", "sample", "others_cores", "cpu_count", "verdict",
           "Monitor", "BUSY_CORES", "NOISY_SPREAD"]

BUSY_CORES = 0.25
NOISY_SPREAD = 0.15


def verdict(others, median_spread):
    """'quiet', 'busy' (others took CPU time) or 'noisy' (repeats disagree), and a sentence."""
    if others is not None:
        others = min(others, cpu_count())   # kernel ticks are coarse: never "2.2 of 2"
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
