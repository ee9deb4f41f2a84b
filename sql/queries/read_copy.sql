-- read_copy: COPY a read path's query (:query, read_text.sql or
-- read_flat.sql) out; COPY takes no parameters, so the values travel as
-- settings (read_set_filters.sql)
COPY (:query) TO STDOUT
