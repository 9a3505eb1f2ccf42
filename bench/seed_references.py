"""The bench's reference library at size: BENCH_REFERENCES references in bulk, by SQL.

The first REFERENCES (bench.seed) are written by the real service, and the articles cite them;
this adds the rest in one INSERT ... SELECT per table (a few seconds for 100,000), each a
reference with its version 1, its current version set and its identifiers' rows, as
`reference_create` would write them. They look like a real library: one to six authors out of
SURNAMES, a journal of JOURNALS (with its DOI prefix), a year from 1975, a DOI (nine in ten), a
PMID, a PMCID (one in three), types, statuses and evidence levels in plausible shares; titles
built from a design, an intervention, an outcome and a condition, COMMON_WORD in most of them
and RARE_WORD in one in RARE_EVERY. PostgreSQL only (the bench runs there).
"""

from django.db import connection, transaction

from articles.references.models import Reference, ReferenceIdentifier, ReferenceVersion

COMMON_WORD = "patients"  # in about 80% of the titles
RARE_WORD = "sarcoidosis"  # the condition of one reference in RARE_EVERY
RARE_EVERY = 1000
_SURNAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter "
    "Roberts Kim Park Chen Wang Li Zhang Liu Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He "
    "Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Rossi Russo "
    "Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Dubois Durand Lefebvre Moreau "
    "Laurent Simon Michel Bernard Petit Andersen Nielsen Hansen Pedersen Larsen Jensen "
    "Johansson Karlsson Nilsson Eriksson Larsson Olsen Virtanen Korhonen Nakamura Tanaka "
    "Suzuki Takahashi Watanabe Ito Yamamoto Kobayashi Sato Patel Shah Singh Kumar Sharma Gupta "
    "Khan Ali Ahmed Hassan Ibrahim Okafor Mensah Silva Santos Oliveira Souza Costa Pereira "
    "Kowalski Novak Horvath Popescu Ivanova Petrov Cohen Levi Murphy Kelly OBrien Walsh Byrne"
)
SURNAMES = _SURNAMES.split()
INITIALS = ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "T"]
JOURNALS = [  # (title, DOI prefix)
    ("BMJ", "10.1136/bmj"),
    ("Lancet", "10.1016/S0140-6736"),
    ("JAMA", "10.1001/jama"),
    ("N Engl J Med", "10.1056/NEJMoa"),
    ("Ann Intern Med", "10.7326/M"),
    ("Am J Sports Med", "10.1177/036354651"),
    ("Br J Sports Med", "10.1136/bjsports"),
    ("J Bone Joint Surg Am", "10.2106/JBJS"),
    ("Cochrane Database Syst Rev", "10.1002/14651858.CD"),
    ("PLoS One", "10.1371/journal.pone"),
    ("BMJ Open", "10.1136/bmjopen"),
    ("Circulation", "10.1161/CIRCULATIONAHA"),
    ("Eur Heart J", "10.1093/eurheartj"),
    ("J Am Acad Dermatol", "10.1016/j.jaad"),
    ("Thyroid", "10.1089/thy"),
    ("Arthritis Rheumatol", "10.1002/art"),
    ("Osteoarthritis Cartilage", "10.1016/j.joca"),
    ("Spine", "10.1097/BRS"),
    ("Pain", "10.1097/j.pain"),
    ("Eur Respir J", "10.1183/13993003"),
    ("Chest", "10.1016/j.chest"),
    ("Diabetes Care", "10.2337/dc"),
    ("J Clin Endocrinol Metab", "10.1210/clinem"),
    ("Pediatrics", "10.1542/peds"),
    ("Clin Infect Dis", "10.1093/cid"),
]
DESIGNS = [
    "A randomised controlled trial of",
    "Long-term outcomes of",
    "A cohort study of",
    "Systematic review and meta-analysis of",
    "Cost-effectiveness of",
    "A pragmatic trial of",
    "Case series:",
    "Guideline on",
]
INTERVENTIONS = [
    "exercise therapy",
    "corticosteroid injection",
    "early surgery",
    "physiotherapy",
    "bracing",
    "beta blockers",
    "topical emollients",
    "levothyroxine",
    "education",
    "platelet-rich plasma",
    "weight loss",
    "acupuncture",
    "cognitive behavioural therapy",
    "anticoagulation",
    "vitamin D supplementation",
    "watchful waiting",
]
OUTCOMES = [
    "pain and function",
    "mortality",
    "return to sport",
    "quality of life",
    "recurrence",
    "hospital admission",
    "symptom control",
    "adverse events",
]
CONDITIONS = [
    "Achilles tendinopathy",
    "atrial fibrillation",
    "atopic eczema",
    "hypothyroidism",
    "knee osteoarthritis",
    "low back pain",
    "rotator cuff tears",
    "heart failure",
    "psoriasis",
    "type 2 diabetes",
    "asthma",
    "plantar fasciitis",
    "gout",
    "migraine",
    "osteoporosis",
    "community-acquired pneumonia",
    "lateral epicondylitis",
    "hip fracture",
]
# (type, share in 20) and the statuses of one reference in 100.
TYPES = (
    ["research"] * 11
    + ["review"] * 3
    + ["systematic_review"] * 2
    + ["meta_analysis", "guideline", "case_report", "textbook"]
)
EVIDENCE = ["", "", "grade_high", "grade_moderate", "grade_low", "ocebm_1", "ocebm_2", ""]


def _array(values: list[str]) -> str:
    """A PostgreSQL text array literal of `values` (our own constants, no quote in them)."""
    assert not any("'" in v or '"' in v for v in values)
    return "(ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]::text[])"


def references_seed(*, count: int, editor_id: int) -> int:
    """Add references until the library holds `count`; return how many were added."""
    have = Reference.objects.count()
    if count <= have:
        return 0
    journals = [name for name, _ in JOURNALS]
    prefixes = [prefix for _, prefix in JOURNALS]
    # The first author is the key's; the others vary with the reference.
    surname = f"{_array(SURNAMES)}[1 + (i * 7 + (k - 1) * (i % 13 + 131)) % {len(SURNAMES)}]"
    initial = f"{_array(INITIALS)}[1 + (i + k * 5) % {len(INITIALS)}]"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM articles_reference")
        base = cursor.fetchone()[0]  # type: ignore[index]
        cursor.execute("SELECT coalesce(max(id), 0) FROM articles_referenceversion")
        version_base = cursor.fetchone()[0]  # type: ignore[index]
        # One row of every generated value, then the two tables from it.
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE bench_reference ON COMMIT DROP AS
            SELECT i, year, journal, title,
                   lower({_array(SURNAMES)}[1 + (i * 7) % {len(SURNAMES)}]) || year || '-'
                     || split_part(lower(condition), ' ', 1) || '-' || i AS key,
                   CASE WHEN i % 10 = 0 THEN '' ELSE prefix || '.' || year || '.' || i END AS doi,
                   (20000000 + i)::text AS pmid,
                   CASE WHEN i % 3 = 0 THEN 'PMC' || (4000000 + i) ELSE '' END AS pmcid,
                   {_array(TYPES)}[1 + (i * 13) % {len(TYPES)}] AS type,
                   CASE WHEN i % 200 = 0 THEN 'retracted' WHEN i % 97 = 0 THEN 'corrected'
                        WHEN i % 151 = 0 THEN 'superseded' ELSE 'active' END AS status,
                   {_array(EVIDENCE)}[1 + i % {len(EVIDENCE)}] AS evidence_level,
                   (SELECT jsonb_agg(jsonb_build_object('family', {surname},
                                                        'given', {initial}) ORDER BY k)
                    FROM generate_series(1, 1 + (i * 3) % 6) AS k) AS authors
            FROM (
                SELECT i, 1975 + (i * 11) % 51 AS year,
                       {_array(journals)}[1 + (i * 17) % {len(journals)}] AS journal,
                       {_array(prefixes)}[1 + (i * 17) % {len(prefixes)}] AS prefix,
                       CASE WHEN i % {RARE_EVERY} = 7 THEN '{RARE_WORD}'
                            ELSE {_array(CONDITIONS)}[1 + (i * 5) % {len(CONDITIONS)}]
                       END AS condition,
                       {_array(DESIGNS)}[1 + i % {len(DESIGNS)}] || ' '
                         || {_array(INTERVENTIONS)}[1 + (i * 3) % {len(INTERVENTIONS)}]
                         || ' for ' || {_array(OUTCOMES)}[1 + (i * 7) % {len(OUTCOMES)}]
                         || CASE WHEN i % 5 = 0 THEN ' in ' ELSE ' in {COMMON_WORD} with ' END
                       AS start
                FROM generate_series(1, {int(count - have)}) AS i
            ) AS g, LATERAL (SELECT start || condition AS title) AS t
            """  # noqa: S608 (our constants and numbers)
        )
        cursor.execute(
            f"""
            INSERT INTO {Reference._meta.db_table} (id, key, created_at, created_by_id)
            SELECT %(base)s + i, key, now() - (i %% 3000) * interval '1 day', %(editor)s
            FROM bench_reference
            """,  # noqa: S608
            {"base": base, "editor": editor_id},
        )
        cursor.execute(
            f"""
            INSERT INTO {ReferenceVersion._meta.db_table}
                (id, reference_id, number, type, csl, title, title_normalised, year, container,
                 doi, pmid, pmcid, evidence_level, status, created_at, change_note,
                 changed_by_id)
            SELECT %(version_base)s + i, %(base)s + i, 1, type,
                   jsonb_build_object(
                     'type', 'article-journal', 'title', title, 'author', authors,
                     'container-title', journal, 'volume', (i %% 90 + 1)::text,
                     'issue', (i %% 12 + 1)::text,
                     'page', (i %% 900 + 1) || '-' || (i %% 900 + 12),
                     'issued', jsonb_build_object('date-parts', jsonb_build_array(
                        jsonb_build_array(year, i %% 12 + 1)))),
                   title, trim(regexp_replace(lower(title), '[^a-z0-9]+', ' ', 'g')), year,
                   journal, doi, pmid, pmcid, evidence_level, status,
                   now() - (i %% 3000) * interval '1 day', 'Created', %(editor)s
            FROM bench_reference
            """,  # noqa: S608
            {"base": base, "version_base": version_base, "editor": editor_id},
        )
        cursor.execute(
            f"UPDATE {Reference._meta.db_table} SET current_version_id = id - %(base)s "  # noqa: S608
            "+ %(version_base)s WHERE id > %(base)s",
            {"base": base, "version_base": version_base},
        )
        cursor.execute(
            f"""
            INSERT INTO {ReferenceIdentifier._meta.db_table} (reference_id, scheme, value)
            SELECT %(base)s + i, scheme, value
            FROM bench_reference,
                 LATERAL (VALUES ('doi', lower(doi)), ('pmid', pmid), ('pmcid', pmcid))
                   AS v(scheme, value)
            WHERE value <> ''
            """,  # noqa: S608
            {"base": base},
        )
        for model in (Reference, ReferenceVersion):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
    return count - have
