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

#endif
