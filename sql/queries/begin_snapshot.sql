-- begin_snapshot: one read-only snapshot for every query of a command (report, the source read)
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY
