-- migrate_record: $1 version, $2 file name of an applied migration
INSERT INTO itemdup.schema_version (version, name) VALUES ($1, $2)
