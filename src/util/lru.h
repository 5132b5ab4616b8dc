/*
 * lru.h - a list in order of use for the caches: each entry embeds a
 * node, the most recently used entry is at the head and the next to let
 * go of at the tail.
 */
#ifndef DIP_UTIL_LRU_H
#define DIP_UTIL_LRU_H

#include <stddef.h>

struct lru_node {
	struct lru_node *prev, *next;
};

struct lru_list {
	struct lru_node *head, *tail;
};

/* The entry of the given type whose member is node n (not NULL). */
#define LRU_ENTRY(n, type, member) ((type *)(void *)((char *)(n) - offsetof(type, member)))

static inline void lru_unlink(struct lru_list *l, struct lru_node *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else
		l->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		l->tail = n->prev;
	n->prev = n->next = NULL;
}

static inline void lru_push(struct lru_list *l, struct lru_node *n)
{
	n->prev = NULL;
	n->next = l->head;
	if (l->head)
		l->head->prev = n;
	l->head = n;
	if (l->tail == NULL)
		l->tail = n;
}

#endif
