/*
 * conv/portable.h -- im2col / col2im for any geometry and any CPU: a template body
 * (common/template.h) that im2col.c reads once per type.  Layout and equations: conv.h.
 */

/* Four consecutive values added at once (col2im).  The runs of a small image are short
 * (LeNet conv2: 10 values) and the compiler's vectoriser leaves such a loop of += scalar;
 * with GCC/clang vector types each group of four is one or two vector loads, adds and
 * stores. */
#if defined(__GNUC__)
typedef REAL SFX(eng_group4) __attribute__((vector_size(4 * sizeof(REAL)), aligned(sizeof(REAL))));

static inline void SFX(add4)(REAL *restrict dst, const REAL *restrict src)
{
    SFX(eng_group4) a, b;
    memcpy(&a, dst, sizeof a);
    memcpy(&b, src, sizeof b);
    a += b;
    memcpy(dst, &a, sizeof a);
}
#else
static inline void SFX(add4)(REAL *restrict dst, const REAL *restrict src)
{
    for (int q = 0; q < 4; q++) dst[q] += src[q];
}
#endif

/* One output row of a column-matrix row: dst[ow] = src[start + ow*stride] (0 outside). */
static inline void SFX(gather_row)(const REAL *restrict src, REAL *restrict dst, ptrdiff_t start,
                                   ptrdiff_t stride, ptrdiff_t lo, ptrdiff_t hi, ptrdiff_t out_width)
{
    ptrdiff_t ow;
    for (ow = 0; ow < lo; ow++) dst[ow] = 0;
    if (stride == 1) {
        const REAL *s = src + start;
        for (ow = lo; ow < hi; ow++) dst[ow] = s[ow];
    } else if (stride == 2) {
        const REAL *s = src + start;
        for (ow = lo; ow < hi; ow++) dst[ow] = s[2 * ow];
    } else {
        for (ow = lo; ow < hi; ow++) dst[ow] = src[start + ow * stride];
    }
    for (ow = hi; ow < out_width; ow++) dst[ow] = 0;
}

/* The adjoint of gather_row: dst[start + ow*stride] += src[ow] (inside only). */
static inline void SFX(scatter_row)(const REAL *restrict src, REAL *restrict dst, ptrdiff_t start,
                                    ptrdiff_t stride, ptrdiff_t lo, ptrdiff_t hi)
{
    ptrdiff_t ow;
    if (stride == 1) {
        REAL *d = dst + start;
        for (ow = lo; ow + 4 <= hi; ow += 4)
            SFX(add4)(d + ow, src + ow);
        for (; ow < hi; ow++) d[ow] += src[ow];
    } else {
        for (ow = lo; ow < hi; ow++) dst[start + ow * stride] += src[ow];
    }
}

static void SFX(im2col_portable)(const REAL *x, REAL *cols, ptrdiff_t n, const eng_conv_geometry *g)
{
    ENG_CONV_SIZES(g, n);
    ptrdiff_t r;

    /* One row r = (c, kd, kh, kw) of the matrix at a time, written from its start to its
     * end (image after image): with few output positions per image (LeNet conv2: rows of
     * 10) this keeps the stores sequential instead of revisiting each cache line of a row
     * once per image.  The input (one plane per image) is what gets re-read, from cache. */
#pragma omp parallel for schedule(static) num_threads(eng_get_num_threads()) if(parallel: work >= ENG_PAR_MIN_COPY)
    for (r = 0; r < C * K; r++) {
        const ptrdiff_t c = r / K, kd = r % K / (KH * KW), kh = r % (KH * KW) / KW, kw = r % KW;
        const ptrdiff_t w0 = kw * g->dilation[2] - g->pad[2];
        ptrdiff_t lo, hi;           /* valid output columns: the same for every output row */
        eng_conv_valid_range(w0, g->stride[2], W, OW, &lo, &hi);
        for (ptrdiff_t i = 0; i < n; i++) {
            const REAL *plane = x + (i * C + c) * (D * H * W);
            REAL *row = cols + r * ld + i * L;
            for (ptrdiff_t od = 0; od < OD; od++) {
                const ptrdiff_t id = od * g->stride[0] - g->pad[0] + kd * g->dilation[0];
                for (ptrdiff_t oh = 0; oh < OH; oh++) {
                    const ptrdiff_t ih = oh * g->stride[1] - g->pad[1] + kh * g->dilation[1];
                    REAL *dst = row + (od * OH + oh) * OW;
                    if (id < 0 || id >= D || ih < 0 || ih >= H) {   /* a padding row */
                        for (ptrdiff_t ow = 0; ow < OW; ow++) dst[ow] = 0;
                        continue;
                    }
                    SFX(gather_row)(plane + (id * H + ih) * W, dst, w0, g->stride[2], lo, hi, OW);
                }
            }
        }
    }
}

static void SFX(col2im_portable)(const REAL *cols, REAL *x, ptrdiff_t n, const eng_conv_geometry *g)
{
    ENG_CONV_SIZES(g, n);
    ptrdiff_t ic;

    /* Planes in channel-major order (image fastest): consecutive planes read adjacent
     * pieces of the same K rows, so each row of the matrix is read front to back. */
#pragma omp parallel for schedule(static) num_threads(eng_get_num_threads()) if(parallel: work >= ENG_PAR_MIN_COPY)
    for (ic = 0; ic < n * C; ic++) {
        const ptrdiff_t c = ic / n, i = ic % n;
        REAL *plane = x + (i * C + c) * (D * H * W);
        const REAL *block = cols + (c * K) * ld + i * L;
        for (ptrdiff_t e = 0; e < D * H * W; e++) plane[e] = 0;
        for (ptrdiff_t kd = 0; kd < KD; kd++)
        for (ptrdiff_t kh = 0; kh < KH; kh++)
        for (ptrdiff_t kw = 0; kw < KW; kw++) {
            const REAL *row = block + ((kd * KH + kh) * KW + kw) * ld;
            const ptrdiff_t w0 = kw * g->dilation[2] - g->pad[2];
            ptrdiff_t lo, hi;
            eng_conv_valid_range(w0, g->stride[2], W, OW, &lo, &hi);
            for (ptrdiff_t od = 0; od < OD; od++) {
                const ptrdiff_t id = od * g->stride[0] - g->pad[0] + kd * g->dilation[0];
                if (id < 0 || id >= D) continue;
                for (ptrdiff_t oh = 0; oh < OH; oh++) {
                    const ptrdiff_t ih = oh * g->stride[1] - g->pad[1] + kh * g->dilation[1];
                    if (ih < 0 || ih >= H) continue;          /* read only padding */
                    SFX(scatter_row)(row + (od * OH + oh) * OW, plane + (id * H + ih) * W,
                                     w0, g->stride[2], lo, hi);
                }
            }
        }
    }
}

/* dW = dY . cols^T without the columns (conv.h): each entry (o, r) a sum over the images
 * and output positions, in that order, by the thread that owns row r. */
static void SFX(weight_grad_portable)(const REAL *x, const REAL *gy, REAL *gw, ptrdiff_t n,
                                      ptrdiff_t O, const eng_conv_geometry *g)
{
    ENG_CONV_SIZES(g, n);
    (void)ld;
    ptrdiff_t r;
#pragma omp parallel for schedule(static) num_threads(eng_get_num_threads()) if(parallel: work * O >= ENG_PAR_MIN_COPY)
    for (r = 0; r < C * K; r++) {
        const ptrdiff_t c = r / K, kd = r % K / (KH * KW), kh = r % (KH * KW) / KW, kw = r % KW;
        const ptrdiff_t w0 = kw * g->dilation[2] - g->pad[2];
        ptrdiff_t lo, hi;
        eng_conv_valid_range(w0, g->stride[2], W, OW, &lo, &hi);
        for (ptrdiff_t o = 0; o < O; o++) {
            REAL s = 0;
            for (ptrdiff_t i = 0; i < n; i++) {
                const REAL *plane = x + (i * C + c) * (D * H * W);
                const REAL *gyo = gy + (i * O + o) * L;
                for (ptrdiff_t od = 0; od < OD; od++) {
                    const ptrdiff_t id = od * g->stride[0] - g->pad[0] + kd * g->dilation[0];
                    if (id < 0 || id >= D) continue;
                    for (ptrdiff_t oh = 0; oh < OH; oh++) {
                        const ptrdiff_t ih = oh * g->stride[1] - g->pad[1] + kh * g->dilation[1];
                        if (ih < 0 || ih >= H) continue;
                        const REAL *src = plane + (id * H + ih) * W + w0;
                        const REAL *gr = gyo + (od * OH + oh) * OW;
                        for (ptrdiff_t ow = lo; ow < hi; ow++)
                            s += gr[ow] * src[ow * g->stride[2]];
                    }
                }
            }
            gw[o * C * K + r] = s;
        }
    }
}
