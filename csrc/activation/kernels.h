/*
 * activation/kernels.h -- the activation kernels of one instruction set, for float and
 * double, and the table that lists them.
 *
 * Included once by each of generic.c, avx2.c and avx512.c, after that file's target
 * (common/target.h), so every function below -- including the inlined vmath.h helpers and
 * the OpenMP-outlined loop bodies -- is compiled for that instruction set.  The file then
 * defines its table as ENG_ACTIVATION_TABLE.
 */
#include <math.h>
#include <stdlib.h>

#include "common/cpu.h"
#include "common/spread.h"
#include "common/vmath.h"
#include "activation/activation.h"

/* softmax with inner > 1 / prelu: work is split into pieces of this size */
#define ENG_BLOCK 256                 /* columns per softmax task          */
#define ENG_CHUNK (1 << 14)           /* elements per prelu task           */

#define ENG_TEMPLATE "activation/elementwise.h"
#include "common/template.h"
#define ENG_TEMPLATE "activation/prelu.h"
#include "common/template.h"
#define ENG_TEMPLATE "activation/softmax.h"
#include "common/template.h"

/* The table entries of one elementwise activation (the list is in elementwise.h). */
#define FORWARD_F32(name, tag, backward, fc, bc) [tag] = name##_forward_f32,
#define FORWARD_F64(name, tag, backward, fc, bc) [tag] = name##_forward_f64,
#define BACKWARD_F32(name, tag, backward, fc, bc) BACKWARD_##backward(tag, name##_backward_f32)
#define BACKWARD_F64(name, tag, backward, fc, bc) BACKWARD_##backward(tag, name##_backward_f64)
#define BACKWARD_grad(tag, fn) [tag] = fn,
#define BACKWARD_nograd(tag, fn)

#define ENG_ACTIVATION_TABLE {                                                           \
    .forward_f32 = { ENG_ELEMENTWISE(FORWARD_F32) },                                     \
    .forward_f64 = { ENG_ELEMENTWISE(FORWARD_F64) },                                     \
    .backward_f32 = { ENG_ELEMENTWISE(BACKWARD_F32) },                                   \
    .backward_f64 = { ENG_ELEMENTWISE(BACKWARD_F64) },                                   \
    .prelu_forward_f32 = prelu_forward_f32, .prelu_forward_f64 = prelu_forward_f64,      \
    .prelu_backward_f32 = prelu_backward_f32, .prelu_backward_f64 = prelu_backward_f64,  \
    .softmax_forward_f32 = softmax_forward_f32, .softmax_forward_f64 = softmax_forward_f64, \
    .softmax_backward_f32 = softmax_backward_f32,                                        \
    .softmax_backward_f64 = softmax_backward_f64,                                        \
    .log_softmax_forward_f32 = log_softmax_forward_f32,                                  \
    .log_softmax_forward_f64 = log_softmax_forward_f64,                                  \
    .log_softmax_backward_f32 = log_softmax_backward_f32,                                \
    .log_softmax_backward_f64 = log_softmax_backward_f64,                                \
}
