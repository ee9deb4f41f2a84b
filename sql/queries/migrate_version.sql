-- migrate_version: the schema version of the database (NULL when no migration applied)
SELECT pg_catalog.max(version) FROM itemdup.schema_version
