/*
 * activation/spread.c -- the elementwise activations over a whole array, as the wrappers
 * call them (activation.h): the loop of the instruction set in use, run directly on a small
 * array and a share per thread on a big one (common/spread.h).
 *
 * How big is big depends on what an element costs, which the list in elementwise.h says
 * for each activation's forward and backward: CHEAP (memory bound) from ENG_PAR_MIN_CHEAP
 * elements, EXP (an exp or log each) from ENG_PAR_MIN_EXP.
 */
#include "activation/activation.h"
#include "common/isa.h"
#include "common/spread.h"

/* Shares are multiples of 16 elements, whole 64-byte cache lines of floats (two of doubles),
 * so no two threads write one line of the output. */
#define SPREAD_GRAIN 16

#define MIN_FORWARD(name, tag, backward, forward_cost, backward_cost) \
    [tag] = ENG_PAR_MIN_##forward_cost,
#define MIN_BACKWARD(name, tag, backward, forward_cost, backward_cost) \
    [tag] = ENG_PAR_MIN_##backward_cost,
static const ptrdiff_t forward_min[ENG_ELEMENTWISE_COUNT] = { ENG_ELEMENTWISE(MIN_FORWARD) };
static const ptrdiff_t backward_min[ENG_ELEMENTWISE_COUNT] = { ENG_ELEMENTWISE(MIN_BACKWARD) };

static const eng_activation_table *table(void)
{
    return eng_isa_table(ENG_FAMILY_ACTIVATIONS);
}

#define ENG_TEMPLATE "activation/spread_body.h"
#include "common/template.h"
