-- 005_reports.sql — what analysts read: institution names (optional, filled
-- by the user) for the reports.  See README.md, "For analysts".
CREATE TABLE IF NOT EXISTS itemdup.institutions (
    institution_id text PRIMARY KEY,
    name           text NOT NULL
);
COMMENT ON TABLE itemdup.institutions IS 'Optional: institution names for the reports, filled by the user (itemdup never writes it)';
COMMENT ON COLUMN itemdup.institutions.institution_id IS 'Institution id as in run_groups.institution_id (ins_..., or legacy:<type>)';
COMMENT ON COLUMN itemdup.institutions.name IS 'Name shown beside the id in reports';

-- Near misses: a bounded, deterministic sample of the candidate pairs that
-- scored below the threshold, with their evidence, so analysts can see what
-- was almost grouped and judge the threshold (README.md, "For analysts").
CREATE TABLE itemdup.result_near_misses (
    run_id     bigint NOT NULL REFERENCES itemdup.runs ON DELETE CASCADE,
    item_a     text COLLATE "C" NOT NULL,
    item_b     text COLLATE "C" NOT NULL,
    score      double precision NOT NULL,
    sampled_as text NOT NULL CHECK (sampled_as IN ('top', 'stratified')),
    evidence   jsonb NOT NULL,
    PRIMARY KEY (run_id, item_a, item_b),
    CHECK (item_a < item_b)
);
COMMENT ON TABLE itemdup.result_near_misses IS 'Near misses of every kept run (query itemdup.run_near_misses or itemdup.current_near_misses)';

-- Every candidate pair scored (kept or not), counted by score: the full
-- score distribution the HTML report plots with the threshold.
CREATE TABLE itemdup.result_score_bins (
    run_id     bigint NOT NULL REFERENCES itemdup.runs ON DELETE CASCADE,
    score_from double precision NOT NULL,
    score_to   double precision NOT NULL,
    pairs      bigint NOT NULL,
    PRIMARY KEY (run_id, score_from)
);
COMMENT ON TABLE itemdup.result_score_bins IS 'Candidate pairs of every kept run counted by score (query itemdup.run_score_bins)';

CREATE VIEW itemdup.run_near_misses AS
SELECT run_id, item_a, item_b, score, sampled_as, evidence
  FROM itemdup.result_near_misses;

CREATE VIEW itemdup.current_near_misses AS
SELECT item_a, item_b, score, sampled_as, evidence
  FROM itemdup.run_near_misses
 WHERE run_id = (SELECT run_id FROM itemdup.published);

CREATE VIEW itemdup.run_score_bins AS
SELECT run_id, score_from, score_to, pairs
  FROM itemdup.result_score_bins;

COMMENT ON COLUMN itemdup.result_near_misses.run_id IS 'The run that scored the pair';
COMMENT ON COLUMN itemdup.result_near_misses.item_a IS 'The smaller item_id of the pair (collation "C")';
COMMENT ON COLUMN itemdup.result_near_misses.item_b IS 'The larger item_id of the pair';
COMMENT ON COLUMN itemdup.result_near_misses.score IS 'The pair''s score, below the run''s threshold';
COMMENT ON COLUMN itemdup.result_near_misses.sampled_as IS 'top: among the 100 highest scores below the threshold; stratified: one of up to 3 per score bin (width 1), chosen by a fixed hash';
COMMENT ON COLUMN itemdup.result_near_misses.evidence IS 'What the pair shares and each term of its score, as in run_pairs.evidence';
COMMENT ON COLUMN itemdup.result_score_bins.run_id IS 'The run that scored the pairs';
COMMENT ON COLUMN itemdup.result_score_bins.score_from IS 'Lower bound of the bin (inclusive); the lowest bin also counts every score below it';
COMMENT ON COLUMN itemdup.result_score_bins.score_to IS 'Upper bound of the bin (exclusive); the highest bin also counts every score above it';
COMMENT ON COLUMN itemdup.result_score_bins.pairs IS 'Candidate pairs scored in the bin, kept or not';
COMMENT ON VIEW itemdup.run_near_misses IS 'Near misses of every kept run: a sample of the pairs scored below the threshold';
COMMENT ON COLUMN itemdup.run_near_misses.run_id IS 'The run that scored the pair';
COMMENT ON COLUMN itemdup.run_near_misses.item_a IS 'The smaller item_id of the pair (collation "C")';
COMMENT ON COLUMN itemdup.run_near_misses.item_b IS 'The larger item_id of the pair';
COMMENT ON COLUMN itemdup.run_near_misses.score IS 'The pair''s score, below the run''s threshold';
COMMENT ON COLUMN itemdup.run_near_misses.sampled_as IS 'top (among the 100 highest below the threshold) or stratified (up to 3 per score bin)';
COMMENT ON COLUMN itemdup.run_near_misses.evidence IS 'What the pair shares and each term of its score';
COMMENT ON VIEW itemdup.current_near_misses IS 'Near misses of the published run';
COMMENT ON COLUMN itemdup.current_near_misses.item_a IS 'The smaller item_id of the pair (collation "C")';
COMMENT ON COLUMN itemdup.current_near_misses.item_b IS 'The larger item_id of the pair';
COMMENT ON COLUMN itemdup.current_near_misses.score IS 'The pair''s score, below the run''s threshold';
COMMENT ON COLUMN itemdup.current_near_misses.sampled_as IS 'top (among the 100 highest below the threshold) or stratified (up to 3 per score bin)';
COMMENT ON COLUMN itemdup.current_near_misses.evidence IS 'What the pair shares and each term of its score';
COMMENT ON VIEW itemdup.run_score_bins IS 'Every candidate pair of every kept run counted by score bin (width 1)';
COMMENT ON COLUMN itemdup.run_score_bins.run_id IS 'The run that scored the pairs';
COMMENT ON COLUMN itemdup.run_score_bins.score_from IS 'Lower bound (inclusive); the lowest bin also counts every score below it';
COMMENT ON COLUMN itemdup.run_score_bins.score_to IS 'Upper bound (exclusive); the highest bin also counts every score above it';
COMMENT ON COLUMN itemdup.run_score_bins.pairs IS 'Candidate pairs scored in the bin, kept or not';
