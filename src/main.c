/*
 * main.c — itemdup: find duplicate Plaid Items in PostgreSQL.
 *
 * Parses argv (cli.c), runs one command, and leaves through one exit path
 * that checks stdout was written completely.
 */
#include <stdio.h>
#include <stdlib.h>

#include "linkcheck.h"
#include "cli.h"
#include "log.h"
#include "migrate.h"
#include "report.h"
#include "run.h"

int
main(int argc, char **argv)
{
	Options		opt;
	int			rc = cli_parse(argc, argv, &opt);

	if (rc < 0)
	{
		log_init(opt.log_format, opt.log_level);
		switch (opt.command)
		{
			case CMD_MIGRATE:
				rc = migrate_command(&opt);
				break;
			case CMD_RUN:
				rc = run_command(&opt);
				break;
			case CMD_REPORT:
				rc = report_command(&opt);
				break;
			case CMD_EXPLAIN:
				rc = explain_command(&opt);
				break;
			case CMD_CHECK:
				rc = check_command(&opt);
				break;
			default:
				rc = EXIT_USAGE;
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout))
	{
		fprintf(stderr, "itemdup: could not write to stdout\n");
		if (rc == EXIT_OK)
			rc = EXIT_FAIL;
	}
	return rc;
}
