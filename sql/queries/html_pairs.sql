-- html_pairs: tail of report_selected: pairs of the shown groups, best first,
-- at most $8 per group, with the group's count n
SELECT ord, item_a, item_b, score, ev, n FROM (
  SELECT s.ord, p.item_a, p.item_b, p.score, p.evidence::text AS ev,
         row_number() OVER (PARTITION BY s.ord ORDER BY p.score DESC, p.item_a, p.item_b) AS rn,
         count(*) OVER (PARTITION BY s.ord) AS n
    FROM shown s JOIN itemdup.run_pairs p ON p.run_id = s.run_id AND p.group_id = s.group_id) x
 WHERE rn <= $8::int ORDER BY ord, rn
