/*
 * conv/avx2.c -- im2col / col2im for a unit width stride with AVX2 masked loads and stores
 * (8 floats or 4 doubles per vector; why: vector.h).
 */
#include <string.h>

#include "common/target.h"

#if ENG_X86_GNUC
ENG_TARGET_BEGIN_AVX2
#define ENG_SIMD_AVX2
#include "common/simd.h"
#include "conv/vector.h"
#include "conv/winograd.h"

#define ENG_TEMPLATE "conv/vector_body.h"
#include "common/template.h"
#define ENG_TEMPLATE "conv/direct_body.h"
#include "common/template.h"
ENG_TARGET_END
const eng_im2col_table eng_im2col_avx2 = ENG_IM2COL_VECTOR_TABLE(eng_winograd_avx2);
#endif
