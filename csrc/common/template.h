/*
 * common/template.h -- writing a kernel once for float and double.
 *
 * Every kernel exists for float32 and float64, with the same loop.  The loop is written
 * once, in a "body" header, with two names standing for the type:
 *
 *     REAL         the element type: float, or double
 *     SFX(name)    the name of this type's version: SFX(relu_forward) is
 *                  relu_forward_f32 for float, relu_forward_f64 for double
 *
 * so a body reads like ordinary C:
 *
 *     static void SFX(relu_forward)(const REAL *x, REAL *y, ptrdiff_t n, REAL p)
 *     {
 *         for (ptrdiff_t i = 0; i < n; i++)
 *             y[i] = x[i] < 0 ? (REAL)0 : x[i];
 *     }
 *
 * Anything else that differs between the two types is named with SFX too, and comes in
 * both versions from elsewhere: SFX(vm_exp) is vmath.h's vm_exp_f32 or vm_exp_f64, and an
 * instruction-set file may define its intrinsics as, say, load_masked_f32 / _f64 for the
 * body to call as SFX(load_masked).
 *
 * To compile a body for both types, name it and include this file:
 *
 *     #define ENG_TEMPLATE "activation/elementwise.h"
 *     #include "common/template.h"
 *
 * which includes the body twice, first with REAL = float, then with REAL = double, and
 * undefines REAL, SFX and ENG_TEMPLATE afterwards.  A body has no include guard (it is
 * meant to be read twice), and the file that instantiates it includes what the body needs
 * (vmath.h, the family's header) beforehand.
 *
 * NO include guard on purpose: included once per instantiation.
 */
#ifndef ENG_TEMPLATE
#error "define ENG_TEMPLATE as the body to instantiate before including common/template.h"
#endif

#define REAL float
#define SFX(name) name##_f32
#include ENG_TEMPLATE
#undef REAL
#undef SFX

#define REAL double
#define SFX(name) name##_f64
#include ENG_TEMPLATE
#undef REAL
#undef SFX

#undef ENG_TEMPLATE
