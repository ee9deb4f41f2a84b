-- publish_unpublish: no run published (the next statement points at the new one)
DELETE FROM itemdup.published
