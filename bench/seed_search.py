"""The search documents and answer passages of the bench's published articles, in bulk.

`manage.py rebuild_search_documents` renders every body's Markdown in Python: about 12 ms an
article, 20 minutes at 100,000. The seed's bodies come in bench.seed.VARIANTS texts (a revision's
variant is its pk modulo VARIANTS), so the real code (`article_search_document_refresh`) writes
the documents and passages of one article per variant, and SQL copies them to the others: the
passages as they are, the documents with each article's own title and topic in the fingerprint
and the weighted vector, as the real code computes them. tests/test_bench_seed.py checks that
`rebuild_search_documents` then finds nothing to change and makes the same rows.
"""

from typing import Any

from django.db import connection

from articles.models import Article, ArticlePassage, ArticleSearchDocument
from articles.search_documents import SEARCH_CONFIG, article_search_document_refresh


def search_write(*, variants: int) -> None:
    """Write the documents and passages of every published article (PostgreSQL only)."""
    templates: dict[int, int] = {}  # variant -> article written by the real code
    for article_id, revision_id in (
        Article.objects.filter(published_revision__isnull=False)
        .order_by("pk")
        .values_list("pk", "published_revision_id")
    ):
        if revision_id is not None and revision_id % variants not in templates:
            templates[revision_id % variants] = article_id
            article_search_document_refresh(article_id=article_id)
        if len(templates) == variants:
            break
    documents = ArticleSearchDocument._meta.db_table
    passages = ArticlePassage._meta.db_table
    articles = Article._meta.db_table
    columns = [
        connection.ops.quote_name(str(field.column))
        for field in ArticlePassage._meta.concrete_fields
        if not field.primary_key and field.column not in ("article_id", "revision_id")
    ]
    listed = ", ".join(columns)
    copied = ", ".join(f"p.{column}" for column in columns)
    # The variant of each template, and the template's body text weighted C once per variant.
    # Names from the models; values as parameters.
    template_rows = f"""
        SELECT v.variant, d.article_id, d.body_text, d.text_changed_at,
               setweight(to_tsvector(%(config)s, COALESCE(d.body_text, '')), 'C') AS body_vector
        FROM (SELECT unnest(%(variants)s) AS variant, unnest(%(templates)s) AS article_id) v
        JOIN {documents} d ON d.article_id = v.article_id
    """  # noqa: S608
    others = f"FROM {articles} a JOIN t ON t.variant = a.published_revision_id %% %(count)s"
    where = "WHERE a.published_revision_id IS NOT NULL AND a.id <> ALL(%(templates)s)"
    params: dict[str, Any] = {
        "config": SEARCH_CONFIG,
        "variants": list(templates),
        "templates": list(templates.values()),
        "count": variants,
    }
    with connection.cursor() as cursor:
        cursor.execute(  # names from the models; values as parameters
            f"""
            WITH t AS ({template_rows})
            INSERT INTO {documents}
                (article_id, revision_id, body_text, text_hash, text_changed_at, search_vector)
            SELECT a.id, a.published_revision_id, t.body_text,
                   encode(sha256(
                       convert_to(a.title, 'UTF8') || decode('00', 'hex')
                       || convert_to(a.topic, 'UTF8') || decode('00', 'hex')
                       || convert_to(t.body_text, 'UTF8')), 'hex'),
                   t.text_changed_at,
                   setweight(to_tsvector(%(config)s, COALESCE(a.title, '')), 'A')
                   || setweight(to_tsvector(%(config)s, COALESCE(a.topic, '')), 'B')
                   || t.body_vector
            {others} {where}
            """,
            params,
        )
        cursor.execute(
            f"""
            WITH t AS ({template_rows})
            INSERT INTO {passages} (article_id, revision_id, {listed})
            SELECT a.id, a.published_revision_id, {copied}
            {others} JOIN {passages} p ON p.article_id = t.article_id {where}
            """,
            params,
        )
