/*
 * rand.c - RAND_bytes with dipreg's error convention.
 */
#include "crypto/rand.h"
#include "util/err.h"

#include <limits.h>

#include <openssl/rand.h>

int crypto_random(void *p, size_t n)
{
	unsigned char *u = p;
	size_t k;

	/* RAND_bytes takes an int length. */
	while (n > 0) {
		k = n > INT_MAX ? INT_MAX : n;
		if (RAND_bytes(u, (int)k) != 1)
			return DIP_ECRYPTO;
		u += k;
		n -= k;
	}
	return 0;
}
