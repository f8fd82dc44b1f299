/*
 * common/isa.c -- the table of kernel families and the instruction set each one uses
 * (see isa.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "common/cpu.h"
#include "common/isa.h"

/* The families' tables, declared by name only: the registry hands out their addresses and
 * never looks inside (each family's code casts eng_isa_table() back to its own type). */
extern const struct eng_activation_table eng_activation_generic, eng_activation_avx2,
    eng_activation_avx512;
extern const struct eng_gemm_kernels eng_gemm_generic, eng_gemm_avx2, eng_gemm_avx512;
extern const struct eng_im2col_table eng_im2col_generic, eng_im2col_avx2, eng_im2col_avx512;
extern const struct eng_optim_table eng_optim_generic, eng_optim_avx2, eng_optim_avx512;
extern const struct eng_pool_table eng_pool_generic, eng_pool_avx2;
extern const struct eng_activation_table eng_activation_neon;
extern const struct eng_gemm_kernels eng_gemm_neon;

/* The AVX2 and AVX-512 files compile their tables only where GCC or clang targets x86
 * (ENG_X86_GNUC); elsewhere those versions do not exist. */
#if ENG_X86_GNUC
#define X86_ONLY(table) &(table)
#else
#define X86_ONLY(table) NULL
#endif

/* The NEON files (activation/neon.c, gemm/kernel_neon.c) compile their tables on aarch64
 * only; im2col, optim and pool have no NEON version (their generic loops are vectorised there). */
#if defined(__aarch64__) || defined(_M_ARM64)
#define ENG_ARCH_NAME "aarch64"
#define NEON_ONLY(table) &(table)
#else
#define NEON_ONLY(table) NULL
#if defined(__x86_64__) || defined(_M_X64)
#define ENG_ARCH_NAME "x86-64"
#else
#define ENG_ARCH_NAME "other"
#endif
#endif

static const struct {
    const char *name;
    const void *tables[ENG_ISA_COUNT];      /* NULL: not in this build */
} FAMILIES[ENG_FAMILY_COUNT] = {
    [ENG_FAMILY_ACTIVATIONS] = { "activations", { &eng_activation_generic,
        X86_ONLY(eng_activation_avx2), X86_ONLY(eng_activation_avx512),
        NEON_ONLY(eng_activation_neon) } },
    [ENG_FAMILY_GEMM] = { "gemm", { &eng_gemm_generic,
        X86_ONLY(eng_gemm_avx2), X86_ONLY(eng_gemm_avx512), NEON_ONLY(eng_gemm_neon) } },
    [ENG_FAMILY_IM2COL] = { "im2col", { &eng_im2col_generic,
        X86_ONLY(eng_im2col_avx2), X86_ONLY(eng_im2col_avx512) } },
    [ENG_FAMILY_OPTIM] = { "optim", { &eng_optim_generic,
        X86_ONLY(eng_optim_avx2), X86_ONLY(eng_optim_avx512) } },
    /* pool: AVX-512 CPUs run the AVX2 kernels (conv/pool_avx2.c says why) */
    [ENG_FAMILY_POOL] = { "pool", { &eng_pool_generic,
        X86_ONLY(eng_pool_avx2), X86_ONLY(eng_pool_avx2) } },
};

static const char *const ISA_NAMES[ENG_ISA_COUNT] = { "generic", "avx2", "avx512", "neon" };

/* The ENG_ISA_* each family uses, plus one; 0 until its first use picks the fastest
 * (threads racing through the first call store the same value, so no lock). */
static int g_current[ENG_FAMILY_COUNT];

static int valid(int family)
{
    return family >= 0 && family < ENG_FAMILY_COUNT;
}

static int isa_index(const char *name)
{
    for (int isa = 0; name != NULL && isa < ENG_ISA_COUNT; isa++)
        if (strcmp(name, ISA_NAMES[isa]) == 0)
            return isa;
    return -1;
}

/* Can this build and this CPU run `family` in version `isa`? */
static int runs(int family, int isa)
{
    if (FAMILIES[family].tables[isa] == NULL)
        return 0;
    if (isa == ENG_ISA_AVX512)
        return eng_cpu_has_avx512();
    if (isa == ENG_ISA_AVX2)
        return eng_cpu_has_avx2_fma();
    return 1;                                     /* generic; NEON: every aarch64 CPU */
}

static int current(int family)
{
    if (g_current[family] == 0) {
        int isa = ENG_ISA_COUNT - 1;
        while (isa > ENG_ISA_GENERIC && !runs(family, isa))
            isa--;
        g_current[family] = isa + 1;
    }
    return g_current[family] - 1;
}

const void *eng_isa_table(int family)
{
    return FAMILIES[family].tables[current(family)];
}

const char *eng_family_name(int family)
{
    return valid(family) ? FAMILIES[family].name : NULL;
}

const char *eng_isa_current(int family)
{
    return valid(family) ? ISA_NAMES[current(family)] : NULL;
}

int eng_isa_set(int family, const char *isa)
{
    const int i = isa_index(isa);
    if (!valid(family) || i < 0)
        return -1;
    if (!runs(family, i))
        return -2;
    g_current[family] = i + 1;
    return 0;
}

int eng_isa_available(int family, const char *isa)
{
    const int i = isa_index(isa);
    return valid(family) && i >= 0 && runs(family, i);
}

int eng_isa_compiled(int family, const char *isa)
{
    const int i = isa_index(isa);
    return valid(family) && i >= 0 && FAMILIES[family].tables[i] != NULL;
}

const char *eng_build_arch(void)
{
    return ENG_ARCH_NAME;
}

const char *eng_build_compiler(void)
{
    static char name[64];
#if defined(__clang__)
    snprintf(name, sizeof name, "clang %d.%d.%d", __clang_major__, __clang_minor__,
             __clang_patchlevel__);
#elif defined(__GNUC__)
    snprintf(name, sizeof name, "gcc %d.%d.%d", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#elif defined(_MSC_VER)
    snprintf(name, sizeof name, "msvc %d", _MSC_VER);
#else
    snprintf(name, sizeof name, "unknown");
#endif
    return name;
}
