/*
 * exitcode.h — the exit codes cron reads, the same for every command
 * (docs/OPERATIONS.md, man itemdup).  Own header so that the edges can
 * return them without knowing the CLI.
 */
#ifndef ITEMDUP_EXITCODE_H
#define ITEMDUP_EXITCODE_H

#define EXIT_OK 0				/* success; status: fresh and the last run did not fail */
#define EXIT_FAIL 1				/* failed after connecting; status: stale or failed */
#define EXIT_DUPLICATE 2		/* check: a duplicate is suspected */
#define EXIT_USAGE 64			/* usage error, always before anything is written */
#define EXIT_NOCONN 69			/* could not connect or authenticate at start */
#define EXIT_LOCKED 75			/* another run holds the lock: try later */

#endif
