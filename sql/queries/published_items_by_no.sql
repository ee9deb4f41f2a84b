-- published_items_by_no: the item pages of run $1 listed in $2 (int[] text),
-- in its generation's table (published_key_bucket.sql)
SELECT page, encode(items, 'hex') FROM itemdup.model_item_pages_:gen
 WHERE run_id = $1::bigint AND page = ANY ($2::int[]) ORDER BY page
