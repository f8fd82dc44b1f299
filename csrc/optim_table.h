/*
 * optim_table.h -- one table of optimizer kernels per instruction set.
 *
 * optim_generic.c, optim_avx2.c and optim_avx512.c compile the same source
 * (optim_kernels.h) for their ISA and each export one table; optim.c picks the
 * best table this CPU runs and forwards the public eng_*_step_* calls to it.
 */
#ifndef ENGINE_OPTIM_TABLE_H
#define ENGINE_OPTIM_TABLE_H

#include <stddef.h>

typedef void (*eng_sgd_fn_f32)(float *, const float *, float *, ptrdiff_t, double, double,
                               double, int, double, int);
typedef void (*eng_sgd_fn_f64)(double *, const double *, double *, ptrdiff_t, double, double,
                               double, int, double, int);
typedef void (*eng_adam_fn_f32)(float *, const float *, float *, float *, float *, ptrdiff_t,
                                double, double, double, double, double, int, double, double);
typedef void (*eng_adam_fn_f64)(double *, const double *, double *, double *, double *,
                                ptrdiff_t, double, double, double, double, double, int, double,
                                double);
typedef void (*eng_adagrad_fn_f32)(float *, const float *, float *, ptrdiff_t, double, double,
                                   double);
typedef void (*eng_adagrad_fn_f64)(double *, const double *, double *, ptrdiff_t, double, double,
                                   double);
typedef void (*eng_rmsprop_fn_f32)(float *, const float *, float *, float *, float *, ptrdiff_t,
                                   double, double, double, double, double);
typedef void (*eng_rmsprop_fn_f64)(double *, const double *, double *, double *, double *,
                                   ptrdiff_t, double, double, double, double, double);

typedef struct {
    const char *name;      /* "generic", "avx2", "avx512" */
    int compiled;          /* 0 when this build could not compile that ISA */
    eng_sgd_fn_f32 sgd_f32;
    eng_sgd_fn_f64 sgd_f64;
    eng_adam_fn_f32 adam_f32;
    eng_adam_fn_f64 adam_f64;
    eng_adagrad_fn_f32 adagrad_f32;
    eng_adagrad_fn_f64 adagrad_f64;
    eng_rmsprop_fn_f32 rmsprop_f32;
    eng_rmsprop_fn_f64 rmsprop_f64;
} eng_optim_table;

extern const eng_optim_table eng_optim_table_generic;
extern const eng_optim_table eng_optim_table_avx2;
extern const eng_optim_table eng_optim_table_avx512;

#endif /* ENGINE_OPTIM_TABLE_H */
