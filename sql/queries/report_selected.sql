-- report_selected: a fragment, not a statement: the WITH clause that the
-- report_* and html_* statements named "tail" start with (sql_query_with).
-- The groups shown, in the order shown ("ord"): the run's groups ($1)
-- filtered by --kind ($2), --institution ($3), --min-score ($4, on the
-- group's max_score), --changed ($5), ordered by what needs attention
-- (cross-owner first, then size, then newest) and cut at --limit ($6)
-- after skipping --offset ($7); "total" counts them before the cut.
-- "change" compares the members with the previous published run:
-- new (no member was grouped), merged (members from 2+ old groups), split
-- (an old group's members are now in 2+ groups), grown (members joined),
-- shrunk (members left), unchanged.
WITH prev AS (SELECT max(p.run_id) AS run_id FROM itemdup.runs p
               WHERE p.run_id < $1::bigint AND p.published_at IS NOT NULL
                 AND p.status = 'succeeded'),
cur AS (SELECT group_id, item_id FROM itemdup.result_group_items WHERE run_id = $1::bigint),
old AS (SELECT o.group_id, o.item_id FROM itemdup.result_group_items o JOIN prev
         ON o.run_id = prev.run_id),
oldsize AS (SELECT group_id, count(*) AS n FROM old GROUP BY group_id),
splits AS (SELECT o.group_id FROM old o JOIN cur c USING (item_id) GROUP BY o.group_id
            HAVING count(DISTINCT c.group_id) > 1),
ch AS (SELECT c.group_id, count(o.item_id) AS had, count(DISTINCT o.group_id) AS from_groups,
              count(*) FILTER (WHERE o.group_id IS DISTINCT FROM c.group_id) AS joined,
              count(*) FILTER (WHERE o.group_id = c.group_id) AS stayed,
              bool_or(o.group_id IN (SELECT group_id FROM splits)) AS split
         FROM cur c LEFT JOIN old o USING (item_id) GROUP BY c.group_id),
sel AS (SELECT g.*, n.name AS institution_name,
        CASE WHEN ch.had = 0 THEN 'new' WHEN ch.from_groups > 1 THEN 'merged'
             WHEN ch.split THEN 'split' WHEN ch.joined > 0 THEN 'grown'
             WHEN coalesce(os.n, 0) > ch.stayed THEN 'shrunk' ELSE 'unchanged' END AS change,
        row_number() OVER (ORDER BY g.kind = 'cross_owner' DESC, g.size DESC,
                           g.first_seen_at DESC, g.group_id) AS ord
   FROM itemdup.run_groups g JOIN ch USING (group_id)
   LEFT JOIN oldsize os USING (group_id)
   LEFT JOIN itemdup.institutions n USING (institution_id)
  WHERE g.run_id = $1::bigint AND ($2::text IS NULL OR g.kind = $2::text)
    AND ($3::text IS NULL OR g.institution_id = $3::text)
    AND ($4::float8 IS NULL OR g.max_score >= $4::float8)),
shown AS (SELECT *, count(*) OVER () AS total FROM sel
           WHERE NOT $5::bool OR change IN ('new', 'grown', 'merged', 'split')
           ORDER BY ord LIMIT $6::bigint OFFSET coalesce($7::bigint, 0))
