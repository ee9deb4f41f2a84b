/*
 * check.h — `itemdup check`: one new link scored against the published
 * run's index and the Items that reached the source since its snapshot
 * (README "Check at link time", docs/MATCHING.md "At link time").
 */
#ifndef ITEMDUP_CHECK_H
#define ITEMDUP_CHECK_H

#include "cli.h"

/* Exit 0 none suspected, 2 duplicate suspected, 1/64/69 as CONTRACT's table. */
int			check_command(const Options *opt);

#endif
