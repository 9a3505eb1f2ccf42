-- 100,000 published articles with their search documents, for EXPLAIN ANALYZE of the public
-- search (BENCHMARKS.md, "Search at 100,000 articles"). Throwaway database only, after migrate:
--   psql -v n=100000 -f bench/search_seed.sql imprimatur_search_bench
-- Bodies are about 300 words like bench/seed.py's: every one has "pain" and "symptoms" (the
-- common words), a subject of six, and one of 500 rarer words ("marker17", 200 articles each).
\set ON_ERROR_STOP on
\if :{?n}
\else
  \set n 100000
\endif
BEGIN;
INSERT INTO editorial_user (password, is_superuser, username, first_name, last_name, email,
                            is_staff, is_active, date_joined)
VALUES ('!', false, 'search-bench', 'Search', 'Bench', 'search-bench@example.org', false, true,
        now())
ON CONFLICT (username) DO NOTHING;

INSERT INTO articles_article (id, slug, title, topic, published_at, review_interval_months,
                              created_at, updated_at, page_version)
SELECT i, 'search-bench-' || i,
       (ARRAY['Tendon pain', 'Heart rhythm', 'Eczema', 'Thyroid', 'Knee cartilage',
              'Back pain'])[1 + i % 6] || ' guide ' || i,
       (ARRAY['Sports medicine', 'Cardiology', 'Dermatology', 'Endocrinology',
              'Orthopaedics'])[1 + i % 5],
       now() - make_interval(mins => i), 12, now(), now(), 1
FROM generate_series(1, :n) AS i;

INSERT INTO articles_revision (id, number, change_summary, status, created_at, review_round,
                               article_id, author_id)
SELECT i, 1, '', 'published', now(), 1, i,
       (SELECT id FROM editorial_user WHERE username = 'search-bench')
FROM generate_series(1, :n) AS i;

UPDATE articles_article SET published_revision_id = id WHERE slug LIKE 'search-bench-%';

INSERT INTO articles_articlesearchdocument (article_id, revision_id, body_text, text_hash,
                                            text_changed_at)
SELECT i, i,
       'About ' || subject || '. ' || repeat(
         'Most people with ' || subject || ' improve with graded exercise over ' || (6 + i % 7)
         || ' weeks. Keep a record of symptoms, sleep and activity, and raise any new or '
         || 'worsening problem with your clinician. Pain that wakes you at night, fever or '
         || 'weight loss needs prompt review. ', 6)
       || 'See also marker' || (i % 500) || '.',
       md5(i::text), now() - make_interval(mins => i)
FROM (SELECT i, (ARRAY['tendon pain', 'heart rhythm', 'eczema', 'thyroid', 'knee cartilage',
                       'back pain'])[1 + i % 6] AS subject
      FROM generate_series(1, :n) AS i) AS s;

-- The vector as articles.search_documents._documents_write writes it.
UPDATE articles_articlesearchdocument AS d
SET search_vector = setweight(to_tsvector('english', a.title), 'A')
                 || setweight(to_tsvector('english', a.topic), 'B')
                 || setweight(to_tsvector('english', d.body_text), 'C')
FROM articles_article AS a WHERE a.id = d.article_id;

SELECT setval(pg_get_serial_sequence('articles_article', 'id'), :n);
SELECT setval(pg_get_serial_sequence('articles_revision', 'id'), :n);
COMMIT;
-- The UPDATE above left a dead copy of every row: compact, as a table in use would be.
VACUUM FULL ANALYZE articles_articlesearchdocument;
VACUUM ANALYZE;
