/*
 * rows.h — row types more than one stage shares, so that neither has to
 * include the other's header: the loader makes RejectRows, publish writes
 * them (itemdup.rejects).
 */
#ifndef ITEMDUP_ROWS_H
#define ITEMDUP_ROWS_H

#include <stdint.h>

/* A rejected source row; detail is short and never holds payload content. */
typedef struct RejectRow
{
	uint32_t	item;			/* index into Dataset.items */
	uint8_t		reason;			/* RejectReason (payload.h) */
	const char *detail;			/* Dataset arena */
} RejectRow;

#endif
