-- published_items_by_id: the item pages of run $1 that would hold item ids $2
-- and $3: for each, the page with the greatest first_item_id ("C" order, the
-- order of item_no) not above it; in its generation's table
-- (published_key_bucket.sql)
SELECT DISTINCT p.page, encode(p.items, 'hex')
  FROM unnest(ARRAY[$2, $3]::text[]) AS i(item_id)
  CROSS JOIN LATERAL (SELECT g.page, g.items FROM itemdup.model_item_pages_:gen g
                       WHERE g.run_id = $1::bigint AND g.first_item_id <= i.item_id COLLATE "C"
                       ORDER BY g.first_item_id DESC LIMIT 1) p
 ORDER BY p.page
