-- read_no_gather: the flat path's rows of one Item must arrive together: no Gather
SET LOCAL max_parallel_workers_per_gather = 0
