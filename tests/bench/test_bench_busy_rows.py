"""The busy-neighbour group's rows and table: the mean step is the figure compared (the
median and the best step are shown beside it); no timing is asserted."""
from engine.bench import busy
from engine.bench.timing import Timing


def test_rows_compare_means_not_best_or_median_steps():
    # two threads: mostly fast steps, one lucky, and now and then a very slow one
    gamble = Timing(best=0.001, median=0.002, runs=20, mean=0.004)
    steady = Timing(best=0.0025, median=0.0026, runs=20, mean=0.0026)
    lowest_mean = min(gamble.mean, steady.mean)
    two = busy._row("LeNet", "1 busy neighbour", "2 threads", 2, gamble, lowest_mean)
    one = busy._row("LeNet", "1 busy neighbour", "default (1)", 1, steady, lowest_mean)
    assert one["vs_best"] == 1.0 and two["vs_best"] == 0.004 / 0.0026
    assert two["ms"] == 4.0 and two["median_ms"] == 2.0 and two["best_ms"] == 1.0


def test_table_shows_mean_median_and_best():
    t = Timing(best=0.002, median=0.003, runs=5, mean=0.0035)
    text = busy.table([busy._row("MLP", "no added neighbour", "1 thread", 1, t, 0.0035)])
    header = text.splitlines()[1]
    assert "mean" in header and "median" in header and "best" in header
    row = text.splitlines()[2]
    assert "3.50" in row and "3.00" in row and "2.00" in row and "1.00" in row
    assert "mean of N training steps" in text


def test_table_says_how_many_steps_the_default_ran_on_each_count():
    t = Timing(best=0.002, median=0.003, runs=52, mean=0.003)
    row = busy._row("MLP", "1 busy neighbour", "default (started at 2)", 2, t, 0.003)
    row["steps_on"] = {1: 50, 2: 2}
    line = busy.table([row]).splitlines()[2]
    assert line.endswith("1: 50  2: 2")
