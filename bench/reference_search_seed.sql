-- 100,000 references with one version each, for EXPLAIN ANALYZE of the reference library's
-- search (BENCHMARKS.md, "Reference library search at 100,000 references"). Throwaway
-- database only, after migrate and bench/search_seed.sql (whose user it reuses):
--   psql -v n=100000 -f bench/reference_search_seed.sql imprimatur_search_bench
-- Titles mix 40 subjects and 25 designs; authors come from 2,000 surnames; 300 journals.
\set ON_ERROR_STOP on
\if :{?n}
\else
  \set n 100000
\endif
BEGIN;
INSERT INTO articles_reference (id, key, created_at, created_by_id)
SELECT i, 'bench' || i, now(), (SELECT id FROM editorial_user WHERE username = 'search-bench')
FROM generate_series(1, :n) AS i;

INSERT INTO articles_referenceversion (id, reference_id, number, type, csl, title,
                                       title_normalised, year, container, doi, pmid, pmcid,
                                       evidence_level, status, created_at, change_note,
                                       changed_by_id)
SELECT i, i, 1, 'article-journal',
       jsonb_build_object('author', jsonb_build_array(
         jsonb_build_object('family', 'Surname' || (i % 2000), 'given', 'A'),
         jsonb_build_object('family', 'Coauthor' || (i % 1500), 'given', 'B'))),
       title, lower(title), 1980 + i % 45, 'Journal of medicine ' || (i % 300),
       '10.5555/bench.' || i, (30000000 + i)::text, 'PMC' || (900000 + i), '', 'active',
       now(), '', (SELECT id FROM editorial_user WHERE username = 'search-bench')
FROM (SELECT i, (ARRAY['Exercise', 'Rest', 'Surgery', 'Injection', 'Bracing'])[1 + i % 5]
             || ' for ' || 'condition' || (i % 40) || ' in adults: a '
             || 'design' || (i % 25) || ' study ' || i AS title
      FROM generate_series(1, :n) AS i) AS t;

UPDATE articles_reference SET current_version_id = id WHERE key LIKE 'bench%';
SELECT setval(pg_get_serial_sequence('articles_reference', 'id'), :n);
SELECT setval(pg_get_serial_sequence('articles_referenceversion', 'id'), :n);
COMMIT;
VACUUM FULL ANALYZE articles_reference;
VACUUM ANALYZE articles_referenceversion;
