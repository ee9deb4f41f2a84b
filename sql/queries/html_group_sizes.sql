-- html_group_sizes: groups of run $1 by size 2, 3, 4, 5+
SELECT least(size, 5), count(*) FROM itemdup.run_groups
 WHERE run_id = $1::bigint GROUP BY 1 ORDER BY 1
