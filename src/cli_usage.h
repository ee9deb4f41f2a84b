/*
 * cli_usage.h — the --help text of itemdup and of each command.
 */
#ifndef ITEMDUP_CLI_USAGE_H
#define ITEMDUP_CLI_USAGE_H

#include "cli.h"

/* The usage of cmd (CMD_NONE: the program's) on stdout. */
void		cli_print_usage(Command cmd);

#endif
