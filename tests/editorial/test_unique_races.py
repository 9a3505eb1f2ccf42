"""Two editors doing the same thing at the same moment: the second meets the first's row in a
unique index (its insert waits for the first to commit, then fails) and is answered with a
clear refusal, 409 in the API and a form error on the page, not a 500.

The first holds its transaction open while the second checks and inserts, so that the second's
check cannot see the first's row (PostgreSQL in CI; on SQLite the second waits at BEGIN and its
check refuses it).
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from articles.references.importing import records_parse, references_import
from articles.references.importing.previewing import import_file_upload, import_preview_run
from articles.references.models import Reference
from articles.services import SLUG_TAKEN, article_create
from tests.factories import EditorFactory
from tests.races import race

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RIS = (
    "TY  - JOUR\nAU  - Doe, Jane\nTI  - Running volume and hip injury\nPY  - 2018\n"
    "DO  - 10.1000/race.2018\nER  -\n"
)


def test_the_same_slug_at_once_answers_409_in_the_api():
    first, second = EditorFactory(), EditorFactory()
    client = Client()
    client.force_login(second)
    client.get("/api/v1/articles/")  # the API's modules loaded before the race, not during it
    response = race(
        lambda: article_create(title="Gout", topic="Rheumatology", author=first, slug="gout"),
        lambda: client.post(
            "/api/v1/articles/",
            json.dumps({"title": "Gout too", "topic": "Rheumatology", "slug": "gout"}),
            content_type="application/json",
        ),
    )
    assert response.status_code == 409
    assert response.json()["detail"] == SLUG_TAKEN.format(slug="gout")
    assert list(Article.objects.values_list("title", flat=True)) == ["Gout"]


def test_the_same_title_at_once_gives_the_second_article_the_next_slug():
    first, second = EditorFactory(), EditorFactory()
    article = race(
        lambda: article_create(title="Is gout hereditary?", topic="Rheumatology", author=first),
        lambda: article_create(title="Is gout hereditary?", topic="Rheumatology", author=second),
    )
    assert article.slug == "is-gout-hereditary-2"  # type: ignore[attr-defined]
    assert Article.objects.count() == 2


def test_confirming_the_same_import_at_once_imports_once():
    first, second = EditorFactory(), EditorFactory()
    client = Client()
    client.force_login(second)
    client.get(reverse("editorial:reference_import"))  # loaded before the race, not during it
    upload = import_file_upload(actor=second, text=RIS, format="ris")
    import_preview_run(upload_id=upload.pk)  # the worker: the record is new
    records = records_parse(data=RIS, format="ris")
    response = race(
        lambda: references_import(records=records, actor=first),
        lambda: client.post(
            reverse("editorial:reference_import_confirm"),
            {"upload": str(upload.token)},
        ),
    )
    # The confirm only queues the choices (nothing read in the request): its task, run after
    # its commit, finds the record taken by the other import and refuses it.
    assert response.status_code == 302
    assert Reference.objects.count() == 1
    upload.refresh_from_db()
    assert (upload.state, upload.records_imported, upload.records_refused) == ("done", 0, 1)
