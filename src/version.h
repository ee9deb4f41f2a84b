/*
 * version.h — the program's version and the schema version it needs.
 */
#ifndef ITEMDUP_VERSION_H
#define ITEMDUP_VERSION_H

#define ITEMDUP_VERSION "0.1.0"
#define ITEMDUP_SCHEMA_VERSION 12	/* highest sql/NNN_*.sql this binary knows */

#endif
