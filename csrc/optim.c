/*
 * optim.c -- the public optimizer kernels (equations in optim.h): each call goes to
 * the table of the instruction set in use (optim_table.h), the best one this CPU
 * runs unless eng_optim_set_isa chose another.
 *
 * The loops are a few loads, stores and flops per element; the square roots and
 * divisions of Adam, Adagrad and RMSprop make the vector width matter, hence the
 * per-ISA builds.
 */
#include "cpu.h"
#include "optim.h"
#include "optim_table.h"

static const eng_optim_table *const TABLES[ENG_ISA_COUNT] = {
    &eng_optim_table_generic, &eng_optim_table_avx2, &eng_optim_table_avx512 };

/* eng_isa_choose (cpu.h) over this family's tables */
static int choose(const char *name)
{
    const int compiled[ENG_ISA_COUNT] = { TABLES[0]->compiled, TABLES[1]->compiled,
                                          TABLES[2]->compiled };
    return eng_isa_choose(name, compiled);
}

/* The table in use; NULL until the first call picks the fastest this CPU runs (threads
 * racing through the first call store the same value, so no lock). */
static const eng_optim_table *g_current = NULL;

static const eng_optim_table *table(void)
{
    if (g_current == NULL)
        g_current = TABLES[choose(NULL)];
    return g_current;
}

int eng_optim_isa_available(const char *name)
{
    return name != NULL && choose(name) >= 0;
}

const char *eng_optim_isa(void)
{
    return table()->name;
}

int eng_optim_set_isa(const char *name)
{
    const int isa = name == NULL ? -1 : choose(name);
    if (isa < 0)
        return isa;
    g_current = TABLES[isa];
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
