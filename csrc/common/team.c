/*
 * common/team.c -- the thread count that follows the cores actually free (see team.h for
 * the rule and why).
 *
 * The state is one small record shared by every kernel.  Regions may end at the same time
 * on several Python threads (the kernels release the GIL), so it changes only inside one
 * named critical section; the hot read, how many threads to use now, is one atomic read
 * of an int.
 */
#include "common/team.h"

#ifdef _OPENMP
#include <omp.h>

static struct {
    int adaptive;          /* 1: the default count, which adapts; 0: a count the user set */
    int set;               /* the default count: the most the adaptation uses (0: none yet) */
    int current;           /* the count used now (read without the lock: atomic) */
    int probing;           /* 1 while a window judges one more thread than before */
    int floor;             /* the fewest it goes down to (team.h: why) */
    double alone, wall;    /* the open window's sums */
    double backoff;        /* the pause before the next try of one more thread */
    double next_try;       /* when that try may start (read without the lock: atomic) */
    double try_began;      /* when the try under way began */
    double last_gain;
    long windows, downs, ups;
} team = {0, 0, 1, 0, 1, 0.0, 0.0, ENG_TEAM_BACKOFF_MIN_S, 0.0, 0.0, 0.0, 0, 0, 0};

double eng_team_now(void)
{
    return omp_get_wtime();
}

void eng_team_start(eng_team_clock *clk, int threads)
{
    clk->threads = threads;
    clk->alone = 0.0;
    clk->start = threads > 1 ? omp_get_wtime() : 0.0;
}

void eng_team_done(eng_team_clock *clk, double began, double mine, double all)
{
    if (omp_get_thread_num() == 0 && mine > 0 && all > 0)
        clk->alone = (omp_get_wtime() - began) * (all / mine);
}

/* (read without the lock by eng_team_threads) */
static void set_next_try(double when)
{
    (void)when;     /* (some GCCs warn that an atomic store's value is set but not used) */
    #pragma omp atomic write
    team.next_try = when;
}

/* Judge the open window (inside the critical section). */
static void judge(double now)
{
    const double gain = team.alone / team.wall;
    team.last_gain = gain;
    team.windows++;
    team.alone = team.wall = 0.0;
    if (gain < team.current - 1 && team.current > team.floor) {  /* one fewer does better */
        #pragma omp atomic update
        team.current--;
        team.downs++;
        team.backoff = !team.probing ? ENG_TEAM_BACKOFF_MIN_S
                     : 2 * team.backoff < ENG_TEAM_BACKOFF_MAX_S ? 2 * team.backoff
                     : ENG_TEAM_BACKOFF_MAX_S;
        set_next_try(now + team.backoff);
    } else if (team.probing) {                  /* the thread tried is worth it: keep it */
        team.ups++;
        team.backoff = ENG_TEAM_BACKOFF_MIN_S;
        set_next_try(now + team.backoff);
    }
    team.probing = 0;
}

/* Is the open window long enough to judge (inside the critical section)? */
static int window_full(double now)
{
    if (!team.probing)
        return team.wall >= ENG_TEAM_WINDOW_S;
    return team.wall >= ENG_TEAM_TRY_WINDOW_S || now - team.try_began >= ENG_TEAM_TRY_MAX_S;
}

void eng_team_finish(const eng_team_clock *clk)
{
    if (clk->threads < 2 || !(clk->alone > 0))
        return;
    const double now = omp_get_wtime();
    #pragma omp critical(eng_team)
    {
        /* (a region started before the count changed says nothing about the new count) */
        if (team.adaptive && clk->threads == team.current) {
            team.alone += clk->alone;
            team.wall += now - clk->start;
            if (window_full(now))
                judge(now);
        }
    }
}

int eng_team_threads(int set)
{
    int adaptive, current;
    double next_try;
    #pragma omp atomic read
    adaptive = team.adaptive;
    #pragma omp atomic read
    current = team.current;
    if (!adaptive || current >= set)
        return set;
    #pragma omp atomic read
    next_try = team.next_try;
    if (omp_get_wtime() < next_try)
        return current;
    #pragma omp critical(eng_team)
    {
        if (team.adaptive && !team.probing && team.current < team.set &&
            omp_get_wtime() >= team.next_try) {
            #pragma omp atomic update
            team.current++;                     /* try one more thread for a window */
            team.probing = 1;
            team.try_began = omp_get_wtime();
            team.alone = team.wall = 0.0;
        }
        current = team.current;
    }
    return current < set ? current : set;
}

void eng_team_reset(int set, int adaptive, int start)
{
    #pragma omp critical(eng_team)
    {
        /* A fixed count leaves the adaptation's state alone: back to the same default
         * later (the bench takes turns between them), what was learnt about the cores
         * still holds, and the adaptation goes on from it (start < 1). */
        if (adaptive && (team.set != set || start >= 1)) {
            team.set = set;
            team.probing = 0;
            team.alone = team.wall = 0.0;
            team.backoff = ENG_TEAM_BACKOFF_MIN_S;
            set_next_try(0.0);
            #pragma omp atomic write
            team.current = start < 1 || start > set ? set : start;
            team.floor = team.current < set - 1 ? team.current : set - 1;
            if (team.floor < 1)
                team.floor = 1;
        }
        #pragma omp atomic write
        team.adaptive = adaptive;
    }
}

int eng_team_judge(double alone, double wall, double now)
{
    int current;
    #pragma omp critical(eng_team)
    {
        if (team.adaptive && wall > 0) {
            team.alone = alone;
            team.wall = wall;
            judge(now);
        }
        current = team.current;
    }
    return current;
}

void eng_team_state(double out[8])
{
    #pragma omp critical(eng_team)
    {
        out[0] = team.current;
        out[1] = team.set;
        out[2] = team.adaptive;
        out[3] = team.last_gain;
        out[4] = (double)team.windows;
        out[5] = (double)team.downs;
        out[6] = (double)team.ups;
        out[7] = team.backoff;
    }
}

#else  /* one thread: nothing to time or adapt */

double eng_team_now(void) { return 0.0; }
void eng_team_start(eng_team_clock *clk, int threads)
{
    clk->threads = threads;
    clk->alone = clk->start = 0.0;
}
void eng_team_done(eng_team_clock *clk, double began, double mine, double all)
{
    (void)clk; (void)began; (void)mine; (void)all;
}
void eng_team_finish(const eng_team_clock *clk) { (void)clk; }
int eng_team_threads(int set) { return set; }
void eng_team_reset(int set, int adaptive, int start)
{
    (void)set; (void)adaptive; (void)start;
}
int eng_team_judge(double alone, double wall, double now)
{
    (void)alone; (void)wall; (void)now;
    return 1;
}
void eng_team_state(double out[8])
{
    out[0] = out[1] = 1;
    out[2] = out[3] = out[4] = out[5] = out[6] = out[7] = 0;
}

#endif
