-- migrate_has_schema: whether the schema version table exists ('t'/'f')
SELECT pg_catalog.to_regclass('itemdup.schema_version') IS NOT NULL
