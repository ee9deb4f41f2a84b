-- html_diff: the diff by group id, one row per member of every group that is
-- not unchanged: $1 this run, $2 the previous published run, $3 the cap.
-- Columns: group id, change (new, grown, shrunk, members changed, dissolved,
-- gone: items now in other groups; plus whether items came from or went to
-- other groups), item, stayed|joined|left, a note on where the item was or
-- went, whether the id is a group of this run, and the number of changed groups.
WITH cur AS (SELECT group_id, item_id FROM itemdup.run_group_items WHERE run_id = $1::bigint),
old AS (SELECT group_id, item_id FROM itemdup.run_group_items WHERE run_id = $2::bigint),
m AS (SELECT u.group_id, u.item_id, bool_or(u.now) AS now, bool_or(NOT u.now) AS before
        FROM (SELECT group_id, item_id, true AS now FROM cur
              UNION ALL SELECT group_id, item_id, false FROM old) u
       GROUP BY u.group_id, u.item_id),
mm AS (SELECT m.*, c.group_id AS now_in, o.group_id AS was_in FROM m
         LEFT JOIN cur c ON c.item_id = m.item_id
         LEFT JOIN old o ON o.item_id = m.item_id),
st AS (SELECT group_id, CASE WHEN NOT bool_or(before) THEN 'new'
         WHEN NOT bool_or(now) THEN CASE WHEN bool_or(now_in IS NOT NULL)
                                         THEN 'merged_away' ELSE 'dissolved' END
         WHEN bool_and(now AND before) THEN 'unchanged' WHEN bool_and(now) THEN 'grown'
         WHEN bool_and(before) THEN 'shrunk' ELSE 'changed' END AS status,
         bool_or(now AND NOT before AND was_in IS NOT NULL) AS took,
         bool_or(before AND NOT now AND now_in IS NOT NULL) AS gave
         FROM mm GROUP BY group_id),
shown AS (SELECT * FROM st WHERE status <> 'unchanged'
           ORDER BY group_id LIMIT $3::int)
SELECT s.group_id,
       CASE s.status WHEN 'changed' THEN 'members changed'
            WHEN 'merged_away' THEN 'gone: items now in other groups' ELSE s.status END
       || CASE WHEN s.took THEN ', took items of other groups' ELSE '' END
       || CASE WHEN s.gave AND s.status <> 'merged_away' THEN ', items moved to other groups'
               ELSE '' END,
       mm.item_id,
       CASE WHEN mm.now AND (mm.before OR s.status = 'new') THEN 'stayed'
            WHEN mm.now THEN 'joined' ELSE 'left' END,
       CASE WHEN mm.now AND mm.before THEN NULL
            WHEN mm.now THEN coalesce('was in group ' || mm.was_in, 'not grouped before')
            ELSE coalesce('now in group ' || mm.now_in, 'no longer grouped') END,
       s.status NOT IN ('merged_away', 'dissolved'),
       (SELECT count(*) FROM st WHERE status <> 'unchanged')
  FROM shown s JOIN mm USING (group_id)
 ORDER BY s.group_id, mm.item_id COLLATE "C"
