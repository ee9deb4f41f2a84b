-- read_no_syncscan.sql — --partitions: every pass of the read scans the source in the
-- same order (its rows are numbered by that order), never joining another scan midway.
SET LOCAL synchronize_seqscans = off
