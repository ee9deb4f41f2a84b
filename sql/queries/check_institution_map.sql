-- check_institution_map: legacy institution types and their current ids
SELECT legacy_type, institution_id FROM itemdup.institution_map
