/*
 * cli_config.h — the command handlers: Options (cli.h) into each edge's own
 * config struct (MigrateConfig, RunConfig, ReportConfig, ExplainConfig,
 * StatusConfig, CheckConfig), then the edge's command.  Each returns the
 * command's exit code (exitcode.h).
 */
#ifndef ITEMDUP_CLI_CONFIG_H
#define ITEMDUP_CLI_CONFIG_H

#include "cli.h"

int			cli_migrate_handler(const Options *opt);
int			cli_run_handler(const Options *opt);
int			cli_report_handler(const Options *opt);
int			cli_explain_handler(const Options *opt);
int			cli_status_handler(const Options *opt);
int			cli_check_handler(const Options *opt);

#endif
