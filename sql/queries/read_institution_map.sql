-- read_institution_map: legacy_type, institution_id of every mapping
SELECT legacy_type, institution_id FROM itemdup.institution_map
