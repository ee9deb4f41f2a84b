-- 007_doc_comments.sql — column comments that cited a file outside the
-- repository now cite the project's own docs.
COMMENT ON COLUMN itemdup.run_groups.group_id IS 'Stable group id: inherited from the previous published group sharing items (docs/OPERATIONS.md, "Stable group ids")';
COMMENT ON COLUMN itemdup.current_groups.group_id IS 'Stable group id: inherited from the previous published group sharing items (docs/OPERATIONS.md, "Stable group ids")';
