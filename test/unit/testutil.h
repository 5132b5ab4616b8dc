/*
 * testutil.h - what every cmocka suite of dipreg includes.
 *
 * Tests of a legal rule are named test_artN_<what>, so that test/run-unit.sh
 * can list the articles covered.
 */
#ifndef DIP_TESTUTIL_H
#define DIP_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One xorshift step of *state, reduced to [0, n): test data that is the
 * same in every run. */
static inline uint32_t test_rnd(uint64_t *state, uint32_t n)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (uint32_t)(*state % n);
}

#endif
