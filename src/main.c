/*
 * main.c — itemdup: find duplicate Plaid Items in PostgreSQL.
 *
 * Parses argv (cli.c), runs one command through the commands table, and
 * leaves through one exit path that closes the last step's log line and
 * checks stdout was written completely.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "log.h"

int
main(int argc, char **argv)
{
	Options		opt;
	int			rc = cli_parse(argc, argv, &opt);

	if (rc < 0)
	{
		log_init(opt.log_format, opt.log_level);
		rc = cli_dispatch(&opt);
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
