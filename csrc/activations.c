/*
 * activations.c -- run-time choice of the activation kernels.
 *
 * The kernels are compiled three times (activations_generic.c, _avx2.c,
 * _avx512.c), each into a table of function pointers.  Here we keep a
 * pointer to the table in use -- by default the best one this CPU can run
 * (avx512 > avx2 > generic), chosen at the first call -- and every public
 * eng_* function simply calls through it.
 */
#include "activations.h"
#include "activations_table.h"
#include "cpu.h"

static const eng_act_table *const TABLES[ENG_ISA_COUNT] = {
    &eng_act_table_generic, &eng_act_table_avx2, &eng_act_table_avx512 };

/* eng_isa_choose (cpu.h) over this family's tables */
static int choose(const char *name)
{
    const int compiled[ENG_ISA_COUNT] = { TABLES[0]->compiled, TABLES[1]->compiled,
                                          TABLES[2]->compiled };
    return eng_isa_choose(name, compiled);
}

/* The table in use; NULL until the first call picks the fastest this CPU runs (threads
 * racing through the first call store the same value, so no lock). */
static const eng_act_table *g_current = NULL;

static const eng_act_table *table(void)
{
    if (g_current == NULL)
        g_current = TABLES[choose(NULL)];
    return g_current;
}

int eng_activations_isa_available(const char *name)
{
    return name != NULL && choose(name) >= 0;
}

const char *eng_activations_isa(void)
{
    return table()->name;
}

int eng_activations_set_isa(const char *name)
{
    const int isa = name == NULL ? -1 : choose(name);
    if (isa < 0)
        return isa;
    g_current = TABLES[isa];
    return 0;
}

/* ---- public kernels: forward to the selected table ---------------------- */

/* ---- float ---- */

void eng_relu_forward_f32(const float *x, float *y, ptrdiff_t n)
{
    table()->f32->relu_forward(x, y, n);
}

void eng_relu_backward_f32(const float *x, const float *gy, float *gx, ptrdiff_t n)
{
    table()->f32->relu_backward(x, gy, gx, n);
}

void eng_leaky_relu_forward_f32(const float *x, float *y, ptrdiff_t n, float slope)
{
    table()->f32->leaky_relu_forward(x, y, n, slope);
}

void eng_leaky_relu_backward_f32(const float *x, const float *gy, float *gx, ptrdiff_t n, float slope)
{
    table()->f32->leaky_relu_backward(x, gy, gx, n, slope);
}

void eng_prelu_forward_f32(const float *x, const float *w, float *y,
                           ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner)
{
    table()->f32->prelu_forward(x, w, y, outer, channels, inner);
}

void eng_prelu_backward_f32(const float *x, const float *w, const float *gy, float *gx, float *gw,
                            ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner)
{
    table()->f32->prelu_backward(x, w, gy, gx, gw, outer, channels, inner);
}

void eng_elu_forward_f32(const float *x, float *y, ptrdiff_t n, float alpha)
{
    table()->f32->elu_forward(x, y, n, alpha);
}

void eng_elu_backward_f32(const float *x, const float *gy, float *gx, ptrdiff_t n, float alpha)
{
    table()->f32->elu_backward(x, gy, gx, n, alpha);
}

void eng_sigmoid_forward_f32(const float *x, float *y, ptrdiff_t n)
{
    table()->f32->sigmoid_forward(x, y, n);
}

void eng_sigmoid_backward_f32(const float *y, const float *gy, float *gx, ptrdiff_t n)
{
    table()->f32->sigmoid_backward(y, gy, gx, n);
}

void eng_tanh_forward_f32(const float *x, float *y, ptrdiff_t n)
{
    table()->f32->tanh_forward(x, y, n);
}

void eng_tanh_backward_f32(const float *y, const float *gy, float *gx, ptrdiff_t n)
{
    table()->f32->tanh_backward(y, gy, gx, n);
}

void eng_softplus_forward_f32(const float *x, float *y, ptrdiff_t n)
{
    table()->f32->softplus_forward(x, y, n);
}

void eng_softplus_backward_f32(const float *x, const float *gy, float *gx, ptrdiff_t n)
{
    table()->f32->softplus_backward(x, gy, gx, n);
}

void eng_heaviside_forward_f32(const float *x, float *y, ptrdiff_t n, float value_at_zero)
{
    table()->f32->heaviside_forward(x, y, n, value_at_zero);
}

void eng_softmax_forward_f32(const float *x, float *y, ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
{
    table()->f32->softmax_forward(x, y, outer, n, inner);
}

void eng_softmax_backward_f32(const float *y, const float *gy, float *gx,
                              ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
{
    table()->f32->softmax_backward(y, gy, gx, outer, n, inner);
}

void eng_log_softmax_forward_f32(const float *x, float *y, ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
{
    table()->f32->log_softmax_forward(x, y, outer, n, inner);
}

void eng_log_softmax_backward_f32(const float *y, const float *gy, float *gx,
                                  ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
{
    table()->f32->log_softmax_backward(y, gy, gx, outer, n, inner);
}

void eng_vexp_f32(const float *x, float *y, ptrdiff_t n)
{
    table()->f32->vexp(x, y, n);
}

void eng_vexpm1_f32(const float *x, float *y, ptrdiff_t n)
{
    table()->f32->vexpm1(x, y, n);
}

void eng_vlog1p_f32(const float *x, float *y, ptrdiff_t n)
{
    table()->f32->vlog1p(x, y, n);
}

/* ---- double ---- */

void eng_relu_forward_f64(const double *x, double *y, ptrdiff_t n)
{
    table()->f64->relu_forward(x, y, n);
}

void eng_relu_backward_f64(const double *x, const double *gy, double *gx, ptrdiff_t n)
{
    table()->f64->relu_backward(x, gy, gx, n);
}

void eng_leaky_relu_forward_f64(const double *x, double *y, ptrdiff_t n, double slope)
{
    table()->f64->leaky_relu_forward(x, y, n, slope);
}

void eng_leaky_relu_backward_f64(const double *x, const double *gy, double *gx, ptrdiff_t n, double slope)
{
    table()->f64->leaky_relu_backward(x, gy, gx, n, slope);
}

void eng_prelu_forward_f64(const double *x, const double *w, double *y,
                           ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner)
{
    table()->f64->prelu_forward(x, w, y, outer, channels, inner);
}

void eng_prelu_backward_f64(const double *x, const double *w, const double *gy, double *gx, double *gw,
                            ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner)
{
    table()->f64->prelu_backward(x, w, gy, gx, gw, outer, channels, inner);
}

void eng_elu_forward_f64(const double *x, double *y, ptrdiff_t n, double alpha)
{
    table()->f64->elu_forward(x, y, n, alpha);
}

void eng_elu_backward_f64(const double *x, const double *gy, double *gx, ptrdiff_t n, double alpha)
{
    table()->f64->elu_backward(x, gy, gx, n, alpha);
}

void eng_sigmoid_forward_f64(const double *x, double *y, ptrdiff_t n)
{
    table()->f64->sigmoid_forward(x, y, n);
}

void eng_sigmoid_backward_f64(const double *y, const double *gy, double *gx, ptrdiff_t n)
{
    table()->f64->sigmoid_backward(y, gy, gx, n);
}

void eng_tanh_forward_f64(const double *x, double *y, ptrdiff_t n)
{
    table()->f64->tanh_forward(x, y, n);
}

void eng_tanh_backward_f64(const double *y, const double *gy, double *gx, ptrdiff_t n)
{
    table()->f64->tanh_backward(y, gy, gx, n);
}

void eng_softplus_forward_f64(const double *x, double *y, ptrdiff_t n)
{
    table()->f64->softplus_forward(x, y, n);
}

void eng_softplus_backward_f64(const double *x, const double *gy, double *gx, ptrdiff_t n)
{
    table()->f64->softplus_backward(x, gy, gx, n);
}

void eng_heaviside_forward_f64(const double *x, double *y, ptrdiff_t n, double value_at_zero)
{
    table()->f64->heaviside_forward(x, y, n, value_at_zero);
}

void eng_softmax_forward_f64(const double *x, double *y, ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
{
    table()->f64->softmax_forward(x, y, outer, n, inner);
}

void eng_softmax_backward_f64(const double *y, const double *gy, double *gx,
                              ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
{
    table()->f64->softmax_backward(y, gy, gx, outer, n, inner);
}

void eng_log_softmax_forward_f64(const double *x, double *y, ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
{
    table()->f64->log_softmax_forward(x, y, outer, n, inner);
}

void eng_log_softmax_backward_f64(const double *y, const double *gy, double *gx,
                                  ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
{
    table()->f64->log_softmax_backward(y, gy, gx, outer, n, inner);
}

void eng_vexp_f64(const double *x, double *y, ptrdiff_t n)
{
    table()->f64->vexp(x, y, n);
}

void eng_vexpm1_f64(const double *x, double *y, ptrdiff_t n)
{
    table()->f64->vexpm1(x, y, n);
}

void eng_vlog1p_f64(const double *x, double *y, ptrdiff_t n)
{
    table()->f64->vlog1p(x, y, n);
}
