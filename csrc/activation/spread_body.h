/*
 * activation/spread_body.h -- an elementwise kernel over a whole array (spread.c): the
 * template body (common/template.h), read once per type.
 *
 * A call packs the loop and its arguments into a struct, and eng_spread calls back with a
 * range [lo, hi): the loop then runs on that part of each array.
 */

typedef struct {
    void (*loop)(const REAL *x, REAL *y, ptrdiff_t n, REAL p);
    const REAL *x;
    REAL *y;
    REAL p;
} SFX(map_call);

static void SFX(map_range)(void *ctx, ptrdiff_t lo, ptrdiff_t hi)
{
    const SFX(map_call) *c = ctx;
    c->loop(c->x + lo, c->y + lo, hi - lo, c->p);
}

typedef struct {
    void (*loop)(const REAL *a, const REAL *gy, REAL *gx, ptrdiff_t n, REAL p);
    const REAL *a, *gy;
    REAL *gx;
    REAL p;
} SFX(grad_call);

static void SFX(grad_range)(void *ctx, ptrdiff_t lo, ptrdiff_t hi)
{
    const SFX(grad_call) *c = ctx;
    c->loop(c->a + lo, c->gy + lo, c->gx + lo, hi - lo, c->p);
}

void SFX(eng_activation_forward)(int tag, const REAL *x, REAL *y, ptrdiff_t n, REAL p)
{
    SFX(map_call) c = { table()->SFX(forward)[tag], x, y, p };
    eng_spread(n, SPREAD_GRAIN, n >= forward_min[tag], SFX(map_range), &c);
}

void SFX(eng_activation_backward)(int tag, const REAL *a, const REAL *gy, REAL *gx,
                                  ptrdiff_t n, REAL p)
{
    SFX(grad_call) c = { table()->SFX(backward)[tag], a, gy, gx, p };
    eng_spread(n, SPREAD_GRAIN, n >= backward_min[tag], SFX(grad_range), &c);
}
