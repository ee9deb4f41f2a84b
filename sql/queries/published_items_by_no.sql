-- published_items_by_no: the item pages of run $1 listed in $2 (int[] text), of
-- generation $3 (published_key_bucket.sql)
SELECT page, encode(items, 'hex') FROM itemdup.model_item_pages
 WHERE run_id = $1::bigint AND gen = $3::smallint AND page = ANY ($2::int[]) ORDER BY page
