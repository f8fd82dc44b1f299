/*
 * common/isa.h -- the one instruction-set registry: which version of each kernel family runs.
 *
 * A kernel family (activations, gemm, im2col, optim, pool) is compiled once per instruction set,
 * one .c file each (common/target.h), and each of those files exports one table of function
 * pointers: the family's header defines the table's type, say eng_optim_table, and the files
 * define eng_optim_generic, eng_optim_avx2 and eng_optim_avx512.  isa.c lists these tables
 * for every family -- the only place that does -- and keeps the one in use: by default the
 * fastest this CPU runs (avx512 > avx2 > generic), chosen at the first call, unless Python
 * chose another (engine._C.set_kernel_isa, the ENGINE_ISA variable).
 *
 * A kernel is called through the table in use, with no forwarding function in between:
 *
 *     const eng_optim_table *t = eng_isa_table(ENG_FAMILY_OPTIM);
 *     t->adam_f32(w, g, ...);
 *
 * Adding a family: a name below, its tables in isa.c.  Adding an instruction set: a name
 * below, its CPU check in isa.c, one more file per family (named after it: setup.py
 * compiles it on its architecture only).
 *
 * Plain C99, no Python headers.
 */
#ifndef ENGINE_COMMON_ISA_H
#define ENGINE_COMMON_ISA_H

/* The instruction sets, from the most portable to the fastest (the default is the last one
 * this build has and this CPU runs).  x86-64 builds have AVX2 and AVX-512 (run-time
 * checked); aarch64 builds have NEON (in every aarch64 CPU), for gemm and activations. */
enum { ENG_ISA_GENERIC, ENG_ISA_AVX2, ENG_ISA_AVX512, ENG_ISA_NEON, ENG_ISA_COUNT };

/* The kernel families; their names are "activations", "gemm", "im2col", "optim", "pool". */
enum { ENG_FAMILY_ACTIVATIONS, ENG_FAMILY_GEMM, ENG_FAMILY_IM2COL, ENG_FAMILY_OPTIM,
       ENG_FAMILY_POOL, ENG_FAMILY_COUNT };

/* The table `family` uses now (to be cast to the family's table type). */
const void *eng_isa_table(int family);

/* The name of family number `family` (NULL if there is none). */
const char *eng_family_name(int family);

/* The name of the instruction set `family` uses now: "generic", "avx2" or "avx512". */
const char *eng_isa_current(int family);

/* Make `family` use the instruction set called `isa`.  0 on success, -1 for an unknown
 * name, -2 when this build lacks that version or this CPU cannot run it. */
int eng_isa_set(int family, const char *isa);

/* 1 if eng_isa_set(family, isa) would succeed, else 0. */
int eng_isa_available(int family, const char *isa);

/* 1 if this build compiled `family` in version `isa` (whether or not this CPU runs it). */
int eng_isa_compiled(int family, const char *isa);

/* What built this library: the target architecture ("x86-64", "aarch64", "other") and the
 * compiler with its version ("gcc 12.2.0", "clang 14.0.6", "msvc 1939", "unknown"). */
const char *eng_build_arch(void);
const char *eng_build_compiler(void);

#endif /* ENGINE_COMMON_ISA_H */
