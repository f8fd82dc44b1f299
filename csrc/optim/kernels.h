/*
 * optim/kernels.h -- the optimizer steps of one instruction set, for float and double,
 * and the table that lists them.
 *
 * Included once by each of generic.c, avx2.c and avx512.c, after that file's target
 * (common/target.h); the file then defines its table as ENG_OPTIM_TABLE.
 */
#include <math.h>
#include <stddef.h>

#include "common/cpu.h"
#include "common/spread.h"
#include "common/vmath.h"
#include "optim/optim.h"

/* Elements below which one thread does the whole update, called directly (starting a team
 * would cost more than the work: most biases and small layers). */
#define ENG_OPTIM_PARALLEL_MIN 32768

/* Shares of a big parameter among threads are multiples of 16 elements, so no two threads
 * write the same cache line (common/spread.h). */
#define ENG_OPTIM_GRAIN 16

#define ENG_TEMPLATE "optim/steps.h"
#include "common/template.h"

#define ENG_OPTIM_TABLE {                                                           \
    .sgd_f32 = sgd_step_f32, .sgd_f64 = sgd_step_f64,                               \
    .adam_f32 = adam_step_f32, .adam_f64 = adam_step_f64,                           \
    .adagrad_f32 = adagrad_step_f32, .adagrad_f64 = adagrad_step_f64,               \
    .rmsprop_f32 = rmsprop_step_f32, .rmsprop_f64 = rmsprop_step_f64,               \
    .adadelta_f32 = adadelta_step_f32, .adadelta_f64 = adadelta_step_f64,           \
}
