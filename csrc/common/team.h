/*
 * common/team.h -- a thread count that follows the cores actually free.
 *
 * On a shared machine another program may hold one of our cores.  A parallel region then
 * waits for the thread that shares that core: with two threads on two cores, a region that
 * one thread alone finishes in W takes about L + W/2, where L is how long our second
 * thread waits for the core.  Once L > W/2 the team is slower than one thread.
 *
 * So the big parallel regions (the GEMM, the chunked and the Winograd convolutions) time
 * themselves:
 *
 *     R   the region's wall time, from before the team starts to after it has joined;
 *     M   the calling thread's own working time inside it, and s the share of the region's
 *         work it did (its tiles, chunks or blocks over all of them),
 *
 * and M / s estimates what one thread alone would take.  Over a window of regions (at least
 * ENG_TEAM_WINDOW_S of them, added up) the achieved speed-up is
 *
 *     gain = sum(M / s) / sum(R),
 *
 * and c threads are worth keeping while gain >= c - 1: c - 1 threads can at best be c - 1
 * times as fast as one.  Below that, the engine uses one thread fewer.  After a pause of
 * `backoff` it tries one more again for a longer window (the first regions of a thread
 * woken on a core another program used run from a cold cache, and one short window is
 * noisy), cut short after ENG_TEAM_TRY_MAX_S of the program's time (where the timed regions
 * are a small part of a training step, the step's other parallel loops pay for the try
 * too); if that window loses too, the pause doubles (from ENG_TEAM_BACKOFF_MIN_S to
 * ENG_TEAM_BACKOFF_MAX_S), so a neighbour that stays costs one short try a second, and a
 * neighbour that leaves gives the core back within about a second.
 *
 * How far down.  For two threads the test is exact: one thread's gain is 1.  For more,
 * c - 1 threads would not scale perfectly either: a team that reaches 80% of perfect
 * scaling (gain 0.8 c) fails the test from six threads on, on a quiet machine.  So the team goes
 * down at most to one thread fewer than all, or to what it started with when that is fewer
 * (the cores free at import): enough for one neighbour, which is what the test can tell,
 * and never more than one thread below the old default chosen once at import.  This has
 * only been measured on 2 cores.
 *
 * This adaptation applies to the default thread count only (eng_set_num_threads_adaptive,
 * which engine/backend calls at import: at most the usable cores, starting from those free
 * then); a count the user sets stays fixed.
 * The kernels' results do not depend on the thread count (each output value is summed by one
 * thread, in one order), so adapting never changes a result, only how long it takes.
 * Built without OpenMP there is one thread and nothing to adapt: every function below is
 * then a no-op.
 */
#ifndef ENGINE_TEAM_H
#define ENGINE_TEAM_H

#include <stddef.h>

#define ENG_TEAM_WINDOW_S       0.002   /* regions' wall time judged at once */
#define ENG_TEAM_TRY_WINDOW_S   0.008   /* the same for a try of one more thread, */
#define ENG_TEAM_TRY_MAX_S      0.016   /* or what the try has had when it is this old */
#define ENG_TEAM_BACKOFF_MIN_S  0.02    /* first pause before trying one more thread */
#define ENG_TEAM_BACKOFF_MAX_S  1.0     /* longest pause */

/* One parallel region's clock (on the caller's stack). */
typedef struct {
    double start;    /* before the team started */
    double alone;    /* the calling thread's working time / its share: one thread's estimate */
    int threads;     /* the team's size, as asked */
} eng_team_clock;

/* Seconds on a monotonic clock (0 without OpenMP). */
double eng_team_now(void);

/* Before a region of `threads` threads. */
void eng_team_start(eng_team_clock *clk, int threads);

/* Inside the region, by every thread when its own work is done (before any barrier):
 * `began` is eng_team_now() at the thread's start, `mine` and `all` its share of the work
 * (tiles, chunks, blocks: any unit).  Only the calling thread's (thread 0's) is kept. */
void eng_team_done(eng_team_clock *clk, double began, double mine, double all);

/* After the region: adds it to the window, and judges the window when it is full. */
void eng_team_finish(const eng_team_clock *clk);

/* The adaptation's state, for engine info and the tests:
 * out[0] threads it uses now, out[1] the most it uses, out[2] 1 if adapting (0: a fixed
 * count is set, and out[0], out[1] are where the adaptation stopped),
 * out[3] the last window's gain (0 before the first), out[4] windows judged,
 * out[5] times the count went down, out[6] times it went up, out[7] the pause (seconds)
 * before the next try of one more thread. */
void eng_team_state(double out[8]);

/* For the tests: judge a window with these sums at time `now`, as eng_team_finish does
 * (needs adaptation on).  Returns the thread count after the judgement. */
int eng_team_judge(double alone, double wall, double now);

/* Used by common/cpu.c: the count to use now when `set` threads are set and adapting. */
int eng_team_threads(int set);

/* Used by common/cpu.c when the count or the mode changes.  Adapting to at most `set`
 * threads: afresh from `start` threads; with start < 1, from where it was when it adapted
 * to the same `set` before (a fixed count in between leaves the adaptation's state alone),
 * else from `set`. */
void eng_team_reset(int set, int adaptive, int start);

#endif /* ENGINE_TEAM_H */
