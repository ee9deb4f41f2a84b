-- model_analyze_generation: statistics for generation $1, truncated and written by this transaction (sql/011), before the model commits
SELECT itemdup.model_analyze_generation($1::smallint)
