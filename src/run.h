/*
 * run.h — `itemdup run`: the pipeline in numbered steps.
 */
#ifndef ITEMDUP_RUN_H
#define ITEMDUP_RUN_H

#include "cli.h"

/* One detection run; returns the exit code (exitcode.h, docs/itemdup.1 "EXIT STATUS"). */
int			run_command(const Options *opt);

#endif
