/*
 * optim.c -- the public optimizer kernels (equations in optim.h): each call goes to
 * the table of the instruction set in use (optim_table.h), the best one this CPU
 * runs unless eng_optim_set_isa chose another.
 *
 * The loops are a few loads, stores and flops per element; the square roots and
 * divisions of Adam, Adagrad and RMSprop make the vector width matter, hence the
 * per-ISA builds.
 */
#include <string.h>

#include "cpu.h"
#include "optim.h"
#include "optim_table.h"

static const eng_optim_table *table_by_name(const char *name)
{
    if (name == NULL)
        return NULL;
    if (strcmp(name, "generic") == 0)
        return &eng_optim_table_generic;
    if (strcmp(name, "avx2") == 0)
        return &eng_optim_table_avx2;
    if (strcmp(name, "avx512") == 0)
        return &eng_optim_table_avx512;
    return NULL;
}

int eng_optim_isa_available(const char *name)
{
    const eng_optim_table *t = table_by_name(name);
    if (t == NULL || !t->compiled)
        return 0;
    if (t == &eng_optim_table_avx2)
        return eng_cpu_has_avx2_fma();
    if (t == &eng_optim_table_avx512)
        return eng_cpu_has_avx512();
    return 1;
}

/* The table in use; NULL until the first call picks the best one (threads racing through
 * the first call store the same value, so no lock). */
static const eng_optim_table *g_current = NULL;

static const eng_optim_table *table(void)
{
    if (g_current == NULL) {
        if (eng_optim_isa_available("avx512"))
            g_current = &eng_optim_table_avx512;
        else if (eng_optim_isa_available("avx2"))
            g_current = &eng_optim_table_avx2;
        else
            g_current = &eng_optim_table_generic;
    }
    return g_current;
}

const char *eng_optim_isa(void)
{
    return table()->name;
}

int eng_optim_set_isa(const char *name)
{
    const eng_optim_table *t = table_by_name(name);
    if (t == NULL)
        return -1;
    if (!eng_optim_isa_available(name))
        return -2;
    g_current = t;
    return 0;
}

void eng_sgd_step_f32(float *w, const float *g, float *buf, ptrdiff_t n, double lr,
                      double momentum, double dampening, int nesterov, double weight_decay,
                      int first_step)
{
    table()->sgd_f32(w, g, buf, n, lr, momentum, dampening, nesterov, weight_decay, first_step);
}

void eng_sgd_step_f64(double *w, const double *g, double *buf, ptrdiff_t n, double lr,
                      double momentum, double dampening, int nesterov, double weight_decay,
                      int first_step)
{
    table()->sgd_f64(w, g, buf, n, lr, momentum, dampening, nesterov, weight_decay, first_step);
}

void eng_adam_step_f32(float *w, const float *g, float *m, float *v, float *vmax, ptrdiff_t n,
                       double lr, double beta1, double beta2, double eps, double weight_decay,
                       int decoupled, double bias_correction1, double bias_correction2)
{
    table()->adam_f32(w, g, m, v, vmax, n, lr, beta1, beta2, eps, weight_decay, decoupled,
                      bias_correction1, bias_correction2);
}

void eng_adam_step_f64(double *w, const double *g, double *m, double *v, double *vmax,
                       ptrdiff_t n, double lr, double beta1, double beta2, double eps,
                       double weight_decay, int decoupled, double bias_correction1,
                       double bias_correction2)
{
    table()->adam_f64(w, g, m, v, vmax, n, lr, beta1, beta2, eps, weight_decay, decoupled,
                      bias_correction1, bias_correction2);
}

void eng_adagrad_step_f32(float *w, const float *g, float *sum, ptrdiff_t n, double clr,
                          double eps, double weight_decay)
{
    table()->adagrad_f32(w, g, sum, n, clr, eps, weight_decay);
}

void eng_adagrad_step_f64(double *w, const double *g, double *sum, ptrdiff_t n, double clr,
                          double eps, double weight_decay)
{
    table()->adagrad_f64(w, g, sum, n, clr, eps, weight_decay);
}

void eng_rmsprop_step_f32(float *w, const float *g, float *square_avg, float *grad_avg,
                          float *momentum_buffer, ptrdiff_t n, double lr, double alpha,
                          double eps, double weight_decay, double momentum)
{
    table()->rmsprop_f32(w, g, square_avg, grad_avg, momentum_buffer, n, lr, alpha, eps,
                         weight_decay, momentum);
}

void eng_rmsprop_step_f64(double *w, const double *g, double *square_avg, double *grad_avg,
                          double *momentum_buffer, ptrdiff_t n, double lr, double alpha,
                          double eps, double weight_decay, double momentum)
{
    table()->rmsprop_f64(w, g, square_avg, grad_avg, momentum_buffer, n, lr, alpha, eps,
                         weight_decay, momentum);
}
