/*
 * common/vmath.h -- exp, expm1 and log1p that the compiler can vectorise.
 *
 * libm's exp()/expf() are opaque function calls: a loop that calls them is
 * not turned into SIMD code (unless you use -ffast-math and a vector math
 * library).  These versions are `static inline`, use only + - * /, compares
 * and integer bit tricks, and contain no branches, so a loop around them
 * becomes AVX2/AVX-512 code with the ISA chosen by the including file.
 *
 * All functions: NaN in -> NaN out, overflow -> +inf, underflow -> 0,
 * no undefined behaviour for any input (no float->int conversions).
 * Measured accuracy (1e7 random points against long-double NumPy): at most
 * 1.0 ulp for exp, 1.8 ulp for expm1, 0.8 ulp for log1p, in float and double
 * (relative error < 1.2e-7 for float, < 2.3e-16 for double);
 * tests/test_c_kernels_smoke.py checks this.
 *
 * ---------------------------------------------------------------------
 * exp(x) and expm1(x) = e^x - 1
 *
 *   1. range reduction:  n = round(x / ln2),  r = x - n*ln2,  |r| <= ln2/2
 *      so  e^x = 2^n * e^r.
 *      n*ln2 is subtracted in two parts (Cody-Waite): ln2 = LN2_HI + LN2_LO
 *      where LN2_HI has its last bits zero, so n*LN2_HI is exact and
 *      x - n*LN2_HI loses nothing.
 *   2. polynomial:  e^r - 1 = r + r^2/2! + r^3/3! + ...  (Taylor series,
 *      truncated where the next term is below the rounding error).  It has
 *      NO constant term, so expm1 stays accurate for tiny x.
 *   3. reconstruction:  exp(x)   = 2^n * (1 + p)
 *                       expm1(x) = 2^n * p + (2^n - 1)
 *      2^n is built directly in the exponent bits of a float/double.
 *
 * log1p(x) = log(1 + x)
 *
 *   1. u = 1 + x (rounded);  c = (1 + x) - u is the rounding error, which
 *      we compute exactly and add back as the first-order term c/u.
 *   2. split u = 2^k * m with sqrt(2)/2 <= m < sqrt(2)  (from the bits)
 *   3. f = m - 1,  s = f/(2+f):   log(1+f) = 2*atanh(s)
 *                                         = 2s + 2s^3/3 + 2s^5/5 + ...
 *      rewritten (exactly) as  f - f^2/2 + s*(f^2/2 + R(s^2)),
 *      with R(z) = 2z/3 + 2z^2/5 + 2z^3/7 + ...  which keeps the big
 *      terms exact.
 *   4. log1p(x) = k*ln2 + log(1+f) + c/u
 * ---------------------------------------------------------------------
 */
#ifndef ENGINE_VMATH_H
#define ENGINE_VMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define VM_INLINE static inline __attribute__((always_inline))
#else
#define VM_INLINE static inline
#endif

/* ---- reinterpret the bits of a float/double (memcpy is the legal way;
 *      the compiler turns it into a plain register move) ---------------- */
VM_INLINE uint32_t vm_bits_f32(float x)     { uint32_t u; memcpy(&u, &x, 4); return u; }
VM_INLINE float    vm_float_f32(uint32_t u) { float x;    memcpy(&x, &u, 4); return x; }
VM_INLINE uint64_t vm_bits_f64(double x)    { uint64_t u; memcpy(&u, &x, 8); return u; }
VM_INLINE double   vm_float_f64(uint64_t u) { double x;   memcpy(&x, &u, 8); return x; }

/* |x| and copysign: C99 functions that the compiler inlines as bit masks */
VM_INLINE float  vm_abs_f32(float x)                { return fabsf(x); }
VM_INLINE double vm_abs_f64(double x)               { return fabs(x); }
VM_INLINE float  vm_copysign_f32(float x, float s)  { return copysignf(x, s); }
VM_INLINE double vm_copysign_f64(double x, double s){ return copysign(x, s); }
/* sqrt is correctly rounded and, with -fno-math-errno, one vector instruction */
VM_INLINE float  vm_sqrt_f32(float x)               { return sqrtf(x); }
VM_INLINE double vm_sqrt_f64(double x)              { return sqrt(x); }

/* ======================================================================
 *                              float32
 * ====================================================================== */

#define VM_LOG2E_F   1.44269502163f          /* 1/ln2 rounded to float     */
#define VM_LN2_HI_F  0.693145751953125f      /* ln2 with 9 low bits zeroed */
#define VM_LN2_LO_F  1.42860676533e-06f      /* ln2 - VM_LN2_HI_F          */
#define VM_SHIFT_F   12582912.0f             /* 1.5 * 2^23, see below      */

/* e^r - 1 for |r| <= ln2/2:  r + r^2 (1/2! + r (1/3! + ... + r/7!)).
 * Truncation error < 2e-8 relative. */
VM_INLINE float vm_expm1_poly_f32(float r)
{
    float q = 1.0f / 5040.0f;             /* 1/7! */
    q = 1.0f / 720.0f + r * q;            /* 1/6! */
    q = 1.0f / 120.0f + r * q;            /* 1/5! */
    q = 1.0f / 24.0f  + r * q;            /* 1/4! */
    q = 1.0f / 6.0f   + r * q;            /* 1/3! */
    q = 0.5f          + r * q;            /* 1/2! */
    return r + r * r * q;
}

/* Round x/ln2 to the nearest integer n.  Returns n as a float (*nf) and as
 * the two's-complement integer bits (*n).  Trick: adding 1.5*2^23 pushes
 * the fraction bits out, so the float's low mantissa bits ARE the integer
 * (no float->int conversion, which would be undefined for NaN/huge x). */
VM_INLINE float vm_reduce_f32(float x, float *nf, uint32_t *n)
{
    float t = x * VM_LOG2E_F + VM_SHIFT_F;
    *nf = t - VM_SHIFT_F;
    *n = vm_bits_f32(t) - vm_bits_f32(VM_SHIFT_F);
    return (x - *nf * VM_LN2_HI_F) - *nf * VM_LN2_LO_F;     /* r */
}

/* v * 2^n for |n| <= 200, as v * 2^n1 * 2^n2 with n1 + n2 = n so that both
 * factors are normal floats (a single 2^n would not fit near the ends of
 * the range).  Over/underflow happens in the last multiply, as it should. */
VM_INLINE float vm_scale_f32(float v, uint32_t n)
{
    uint32_t nb = n + 256u;              /* n + 256 >= 0                  */
    uint32_t h  = nb >> 1;               /* floor(n/2) + 128              */
    float s1 = vm_float_f32((h - 1u) << 23);        /* 2^(floor(n/2))     */
    float s2 = vm_float_f32((nb - h - 1u) << 23);   /* 2^(n - floor(n/2)) */
    return v * s1 * s2;
}

/* e^x */
VM_INLINE float vm_exp_f32(float x)
{
    float nf, r;
    uint32_t n;
    /* e^89 overflows, e^-104 underflows to 0: clamp (keeps NaN). */
    x = x < -104.0f ? -104.0f : x;
    x = x > 89.0f ? 89.0f : x;
    r = vm_reduce_f32(x, &nf, &n);
    return vm_scale_f32(1.0f + vm_expm1_poly_f32(r), n);
}

/* e^x - 1, accurate also for tiny |x| */
VM_INLINE float vm_expm1_f32(float x)
{
    float nf, r, p, s, small, big;
    uint32_t n;
    /* below -20, e^x - 1 rounds to -1; above 89 it overflows. */
    x = x < -20.0f ? -20.0f : x;
    x = x > 89.0f ? 89.0f : x;
    r = vm_reduce_f32(x, &nf, &n);
    p = vm_expm1_poly_f32(r);
    /* moderate n: 2^n fits in a float, and 2^n - 1 is exact */
    s = vm_float_f32((n + 127u) << 23);
    small = s * p + (s - 1.0f);
    /* large n: the -1 does not matter any more; 2^n may not fit */
    big = vm_scale_f32(1.0f + p, n) - 1.0f;
    small = nf > 30.0f ? big : small;
    return x == 0.0f ? x : small;        /* expm1(-0) = -0 */
}

#define VM_SQRT2_F 1.41421356f
/* log(1 + x) */
VM_INLINE float vm_log1p_f32(float x)
{
    float u, c, m, kf, f, s, z, R, hfsq, res;
    uint32_t b;
    u = 1.0f + x;
    /* exact rounding error of u, first-order correction c/u */
    c = (x >= 1.0f ? 1.0f - (u - x) : x - (u - 1.0f)) / u;
    /* u = 2^k * m,  m in [1, 2)  (u >= 2^-24 is normal whenever x > -1).
     * k as a float: put the exponent field in the low mantissa bits of
     * 2^23 and subtract (2^23 + 127). */
    b = vm_bits_f32(u);
    kf = vm_float_f32(0x4B000000u | (b >> 23)) - (8388608.0f + 127.0f);
    m = vm_float_f32((b & 0x007FFFFFu) | 0x3F800000u);
    /* move m into [sqrt(2)/2, sqrt(2)) so that |f| <= 0.414 */
    kf = m > VM_SQRT2_F ? kf + 1.0f : kf;
    m  = m > VM_SQRT2_F ? 0.5f * m : m;
    f = m - 1.0f;                        /* exact */
    s = f / (2.0f + f);
    z = s * s;
    /* R(z) = 2z/3 + 2z^2/5 + 2z^3/7 + 2z^4/9  (error < 3e-9 relative) */
    R = z * (2.0f / 3.0f + z * (2.0f / 5.0f + z * (2.0f / 7.0f + z * (2.0f / 9.0f))));
    hfsq = 0.5f * f * f;
    res = kf * VM_LN2_HI_F + (f - (hfsq - (s * (hfsq + R) + (kf * VM_LN2_LO_F + c))));
    /* special cases: log1p(inf) = inf, log1p(-1) = -inf, x < -1 -> NaN */
    res = x == INFINITY ? INFINITY : res;
    res = x == -1.0f ? -INFINITY : res;
    res = x < -1.0f ? NAN : res;
    res = x == 0.0f ? x : res;           /* log1p(-0) = -0 */
    return res;
}

/* ======================================================================
 *                              float64
 * ====================================================================== */

#define VM_LOG2E_D   1.4426950408889634      /* 1/ln2                       */
#define VM_LN2_HI_D  0x1.62e42fefa3000p-1    /* ln2 with 12 low bits zeroed */
#define VM_LN2_LO_D  2.8235290563031577e-13  /* ln2 - VM_LN2_HI_D           */
#define VM_SHIFT_D   6755399441055744.0      /* 1.5 * 2^52                  */

/* e^r - 1 for |r| <= ln2/2: Taylor series up to r^13/13!
 * (truncation error < 2e-17 relative). */
VM_INLINE double vm_expm1_poly_f64(double r)
{
    double q = 1.0 / 6227020800.0;        /* 1/13! */
    q = 1.0 / 479001600.0 + r * q;        /* 1/12! */
    q = 1.0 / 39916800.0  + r * q;        /* 1/11! */
    q = 1.0 / 3628800.0   + r * q;        /* 1/10! */
    q = 1.0 / 362880.0    + r * q;        /* 1/9!  */
    q = 1.0 / 40320.0     + r * q;        /* 1/8!  */
    q = 1.0 / 5040.0      + r * q;        /* 1/7!  */
    q = 1.0 / 720.0       + r * q;        /* 1/6!  */
    q = 1.0 / 120.0       + r * q;        /* 1/5!  */
    q = 1.0 / 24.0        + r * q;        /* 1/4!  */
    q = 1.0 / 6.0         + r * q;        /* 1/3!  */
    q = 0.5               + r * q;        /* 1/2!  */
    return r + r * r * q;
}

/* same as vm_reduce_f32, with 1.5*2^52 */
VM_INLINE double vm_reduce_f64(double x, double *nf, uint64_t *n)
{
    double t = x * VM_LOG2E_D + VM_SHIFT_D;
    *nf = t - VM_SHIFT_D;
    *n = vm_bits_f64(t) - vm_bits_f64(VM_SHIFT_D);
    return (x - *nf * VM_LN2_HI_D) - *nf * VM_LN2_LO_D;
}

/* v * 2^n for |n| <= 2000, as two normal factors (see vm_scale_f32) */
VM_INLINE double vm_scale_f64(double v, uint64_t n)
{
    uint64_t nb = n + 2048u;
    uint64_t h  = nb >> 1;                /* floor(n/2) + 1024 */
    double s1 = vm_float_f64((h - 1u) << 52);
    double s2 = vm_float_f64((nb - h - 1u) << 52);
    return v * s1 * s2;
}

/* e^x */
VM_INLINE double vm_exp_f64(double x)
{
    double nf, r;
    uint64_t n;
    /* e^710 overflows, e^-746 underflows to 0 */
    x = x < -746.0 ? -746.0 : x;
    x = x > 710.0 ? 710.0 : x;
    r = vm_reduce_f64(x, &nf, &n);
    return vm_scale_f64(1.0 + vm_expm1_poly_f64(r), n);
}

/* e^x - 1 */
VM_INLINE double vm_expm1_f64(double x)
{
    double nf, r, p, s, small, big;
    uint64_t n;
    x = x < -40.0 ? -40.0 : x;           /* e^-40 - 1 rounds to -1 */
    x = x > 710.0 ? 710.0 : x;
    r = vm_reduce_f64(x, &nf, &n);
    p = vm_expm1_poly_f64(r);
    s = vm_float_f64((n + 1023u) << 52);
    small = s * p + (s - 1.0);
    big = vm_scale_f64(1.0 + p, n) - 1.0;
    small = nf > 60.0 ? big : small;
    return x == 0.0 ? x : small;         /* expm1(-0) = -0 */
}

#define VM_SQRT2_D 1.4142135623730951
/* log(1 + x) */
VM_INLINE double vm_log1p_f64(double x)
{
    double u, c, m, kf, f, s, z, R, hfsq, res;
    uint64_t b;
    u = 1.0 + x;
    c = (x >= 1.0 ? 1.0 - (u - x) : x - (u - 1.0)) / u;
    b = vm_bits_f64(u);
    /* k as a double: exponent field into the low bits of 2^52 */
    kf = vm_float_f64(0x4330000000000000u | (b >> 52)) - (4503599627370496.0 + 1023.0);
    m = vm_float_f64((b & 0x000FFFFFFFFFFFFFu) | 0x3FF0000000000000u);
    kf = m > VM_SQRT2_D ? kf + 1.0 : kf;
    m  = m > VM_SQRT2_D ? 0.5 * m : m;
    f = m - 1.0;
    s = f / (2.0 + f);
    z = s * s;
    /* R(z) = sum_{j=1..10} 2 z^j / (2j+1)   (error < 1e-18 relative) */
    R = 2.0 / 21.0;
    R = 2.0 / 19.0 + z * R;
    R = 2.0 / 17.0 + z * R;
    R = 2.0 / 15.0 + z * R;
    R = 2.0 / 13.0 + z * R;
    R = 2.0 / 11.0 + z * R;
    R = 2.0 / 9.0  + z * R;
    R = 2.0 / 7.0  + z * R;
    R = 2.0 / 5.0  + z * R;
    R = 2.0 / 3.0  + z * R;
    R = z * R;
    hfsq = 0.5 * f * f;
    res = kf * VM_LN2_HI_D + (f - (hfsq - (s * (hfsq + R) + (kf * VM_LN2_LO_D + c))));
    res = x == INFINITY ? INFINITY : res;
    res = x == -1.0 ? -INFINITY : res;
    res = x < -1.0 ? NAN : res;
    res = x == 0.0 ? x : res;
    return res;
}

#endif /* ENGINE_VMATH_H */
