/*
 * gemm/workspace.c -- each thread's packed buffers, kept between calls and freed when the
 * thread ends.
 *
 * The loops of loops.c pack blocks of A and B into buffers of a few MiB.  Allocating them
 * on every call would page-fault on every multiply, so each thread keeps its own (grown when
 * a larger problem comes).  They must belong to the thread: the OpenMP threads of one product
 * pack different blocks at once, and several Python threads may multiply at once (each with
 * its own OpenMP team).
 *
 * Why not a `__thread` variable: memory a thread-local variable points to is not freed when
 * the thread ends, so every Python thread that multiplies and ends (and every OpenMP worker
 * of its team, which ends with it) would leave its buffers behind: about a megabyte per
 * thread for a 512 x 512 product, and leaked for ever.  A POSIX thread-specific key (Windows:
 * a fiber-local slot) holds the same per-thread pointer and calls free_buffers when the
 * thread ends.  Without either the file does not compile: one workspace shared by threads
 * would give wrong products silently.
 */
#include <stdint.h>
#include <stdlib.h>

#include "gemm/problem.h"

/* A buffer of at least `bytes`, 64-byte aligned (a cache line, and the alignment of a zmm
 * load). */
typedef struct { void *raw; void *aligned; size_t bytes; } buffer;

static void free_buffers(buffer *bufs)
{
    if (bufs == NULL)
        return;
    for (int i = 0; i < ENG_GEMM_BUFFERS; i++)
        free(bufs[i].raw);
    free(bufs);
}

#if defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

static DWORD g_slot = FLS_OUT_OF_INDEXES;
static INIT_ONCE g_once = INIT_ONCE_STATIC_INIT;

static VOID NTAPI thread_ended(PVOID bufs) { free_buffers((buffer *)bufs); }

static BOOL CALLBACK make_slot(PINIT_ONCE once, PVOID param, PVOID *context)
{
    (void)once; (void)param; (void)context;
    g_slot = FlsAlloc(thread_ended);
    return TRUE;
}

static buffer *get_mine(void)
{
    InitOnceExecuteOnce(&g_once, make_slot, NULL, NULL);
    return g_slot == FLS_OUT_OF_INDEXES ? NULL : (buffer *)FlsGetValue(g_slot);
}

static int set_mine(buffer *bufs)
{
    return g_slot != FLS_OUT_OF_INDEXES && FlsSetValue(g_slot, bufs);
}

#elif defined(__unix__) || defined(__APPLE__)
#include <pthread.h>

static pthread_key_t g_key;
static int g_key_made = 0;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void thread_ended(void *bufs) { free_buffers((buffer *)bufs); }

static void make_key(void) { g_key_made = pthread_key_create(&g_key, thread_ended) == 0; }

static buffer *get_mine(void)
{
    pthread_once(&g_once, make_key);
    return g_key_made ? (buffer *)pthread_getspecific(g_key) : NULL;
}

static int set_mine(buffer *bufs)
{
    return g_key_made && pthread_setspecific(g_key, bufs) == 0;
}

#else
#error "gemm/workspace.c needs POSIX threads or Windows for its per-thread buffers"
#endif

/* The calling thread's buffers, made at its first call; NULL when out of memory. */
static buffer *my_buffers(void)
{
    buffer *bufs = get_mine();
    if (bufs != NULL)
        return bufs;
    bufs = (buffer *)calloc(ENG_GEMM_BUFFERS, sizeof(buffer));
    if (bufs != NULL && !set_mine(bufs)) {
        free(bufs);
        bufs = NULL;
    }
    return bufs;
}

void *eng_gemm_workspace(int which, size_t bytes)
{
    buffer *bufs = my_buffers();
    if (bufs == NULL || which < 0 || which >= ENG_GEMM_BUFFERS || bytes > SIZE_MAX - 64)
        return NULL;
    buffer *buf = &bufs[which];
    if (bytes > buf->bytes) {
        free(buf->raw);
        buf->raw = malloc(bytes + 64);
        if (buf->raw == NULL) {
            buf->aligned = NULL;
            buf->bytes = 0;
            return NULL;
        }
        buf->aligned = (void *)(((uintptr_t)buf->raw + 63) & ~(uintptr_t)63);
        buf->bytes = bytes;
    }
    return buf->aligned;
}
