/*
 * main.c — itemdup: find duplicate Plaid Items in PostgreSQL.
 *
 * Parses argv (cli.c), runs one command through the commands table, and
 * leaves through one exit path that closes the last step's log line and
 * checks stdout was written completely.  SIGINT/SIGTERM make every command
 * exit 1 (db.h).
 */
#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "linkcheck.h"
#include "cli.h"
#include "db.h"
#include "log.h"
#include "payload.h"

int
main(int argc, char **argv)
{
	Options		opt;
	int			rc;

#ifdef __GLIBC__

	/*
	 * Blocks of 256 KiB and more (a run's tables, arrays and arena blocks)
	 * are mapped on their own, so freeing one gives it back and growing one
	 * moves no bytes.  glibc's default raises this threshold as big blocks
	 * are freed, after which they come from the heap and stay resident when
	 * freed (docs/SCALING.md "Memory model").
	 */
	(void) mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
	payload_json_init();
	rc = cli_parse(argc, argv, &opt);

	if (rc < 0)
	{
		log_init(opt.log_format, opt.log_level);
		db_signals_install();
		rc = cli_dispatch(&opt);
		/*
		 * A signal is a failure for every command (never 0 or 75).  run
		 * decides itself: a signal after its publish COMMIT leaves a run
		 * that is published whole.
		 */
		if (db_interrupted() && opt.command != CMD_RUN && rc != EXIT_FAIL)
		{
			log_error("interrupted by a signal (SIGINT/SIGTERM)");
			rc = EXIT_FAIL;
		}
		log_step_end(rc == EXIT_OK);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
	{
		fprintf(stderr, "itemdup: could not write to stdout\n");
		if (rc == EXIT_OK)
			rc = EXIT_FAIL;
	}
	return rc;
}
