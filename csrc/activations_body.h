/*
 * activations_body.h -- the activation kernels of one floating-point type.
 *
 * NO include guard on purpose: activations_kernels.h includes this file
 * twice, with REAL = float / double and SFX(name) = name##_f32 / name##_f64.
 * The kernels themselves are in the three activations_body_*.h parts; this
 * file includes them and lists them in this type's table.
 *
 * How the code is written so that the compiler vectorises it:
 *   - simple counted loops over contiguous arrays;
 *   - `cond ? a : b` on values that are both computed anyway: the compiler
 *     turns it into a vector compare + blend (masked move), no branches;
 *   - transcendental functions come from vmath.h (inlined, branch-free);
 *   - `#pragma omp simd` tells the compiler the iterations are independent.
 *     This matters because an output may be the same array as an input
 *     (in-place), so we cannot promise "no aliasing" with `restrict`; but
 *     element i only ever reads element i, so SIMD is still correct.
 *   - `#pragma omp parallel for ... if(parallel: n >= ...)` spreads big
 *     arrays over eng_get_num_threads() threads.  Without OpenMP the pragmas
 *     are ignored and the code is plain serial C.
 * Sums are accumulated in double, also for float data.
 */

#include "activations_body_elementwise.h"
#include "activations_body_prelu.h"
#include "activations_body_softmax.h"

/* ============================================================================
 * The table of this type's kernels, picked up by the ISA file.
 * ==========================================================================*/
static const SFX(eng_act_kernels) SFX(kernels) = {
    .relu_forward         = SFX(relu_forward),
    .relu_backward        = SFX(relu_backward),
    .leaky_relu_forward   = SFX(leaky_relu_forward),
    .leaky_relu_backward  = SFX(leaky_relu_backward),
    .prelu_forward        = SFX(prelu_forward),
    .prelu_backward       = SFX(prelu_backward),
    .elu_forward          = SFX(elu_forward),
    .elu_backward         = SFX(elu_backward),
    .sigmoid_forward      = SFX(sigmoid_forward),
    .sigmoid_backward     = SFX(sigmoid_backward),
    .tanh_forward         = SFX(tanh_forward),
    .tanh_backward        = SFX(tanh_backward),
    .softplus_forward     = SFX(softplus_forward),
    .softplus_backward    = SFX(softplus_backward),
    .heaviside_forward    = SFX(heaviside_forward),
    .softmax_forward      = SFX(softmax_forward),
    .softmax_backward     = SFX(softmax_backward),
    .log_softmax_forward  = SFX(log_softmax_forward),
    .log_softmax_backward = SFX(log_softmax_backward),
    .vexp                 = SFX(vexp),
    .vexpm1               = SFX(vexpm1),
    .vlog1p               = SFX(vlog1p),
};
