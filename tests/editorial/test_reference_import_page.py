"""The import's page in the workspace, around the preview task: the reading shown while it runs
(its partial asks htmx to reload once the preview is ready), the preview's choices kept on the
rows whenever the form is posted, a choice that does not fit refused with nothing kept, and
every address its uploader's alone."""

import re

import pytest
from django.urls import reverse

from articles.models import ImportPreviewRow, Reference
from articles.references.importing.previewing import (
    STILL_READING,
    import_file_upload,
    import_preview_run,
)
from tests.factories import BoardMemberFactory, EditorFactory, ReferenceFactory

CONFIRM = reverse("editorial:reference_import_confirm")
RIS = "".join(
    f"TY  - JOUR\nAU  - Author{n}, A\nTI  - Page outcome {n}\nPY  - 2020\nER  - \n\n"
    for n in range(1, 4)
)


def _page(token) -> str:  # type: ignore[no-untyped-def]
    return reverse("editorial:reference_import_job", args=[token])


def _progress(token) -> str:  # type: ignore[no-untyped-def]
    return reverse("editorial:reference_import_progress", args=[token])


def _choices(upload) -> dict[int, str]:  # type: ignore[no-untyped-def]
    return dict(ImportPreviewRow.objects.filter(upload=upload).values_list("number", "choice"))


@pytest.fixture
def upload(editor):  # type: ignore[no-untyped-def]
    return import_file_upload(actor=editor, format="ris", filename="three.ris", text=RIS)


def test_the_page_shows_the_reading_then_asks_to_reload_into_the_preview(client, editor, upload):
    client.force_login(editor)
    reading = client.get(_page(upload.token)).content.decode()
    assert "<h1>Reading three.ris</h1>" in reading
    assert f'hx-get="{_progress(upload.token)}"' in reading
    assert 'data-state="reading"' in client.get(_progress(upload.token)).content.decode()
    # Choosing before the preview is ready changes nothing and says why.
    early = client.post(CONFIRM, {"upload": upload.token, "choice_1": "skip"}, follow=True)
    assert STILL_READING in early.content.decode()

    import_preview_run(upload_id=upload.pk)  # the worker

    ready = client.get(_progress(upload.token), headers={"HX-Request": "true"})
    assert ready.headers["HX-Refresh"] == "true"
    page = client.get(_page(upload.token)).content.decode()
    assert "3 records read — 3 new" in page
    assert _choices(upload) == {1: "new", 2: "new", 3: "new"}


def test_choices_are_kept_on_every_post_and_a_bad_one_keeps_none(client, editor, upload):
    import_preview_run(upload_id=upload.pk)
    client.force_login(editor)
    # Another list: the choices of the page shown are kept on the way.
    moved = client.post(CONFIRM, {"upload": upload.token, "choice_2": "skip", "do": "show:new"})
    assert moved["Location"] == _page(upload.token) + "?show=new"
    paged = client.post(CONFIRM, {"upload": upload.token, "show": "new", "do": "page:2"})
    assert paged["Location"] == _page(upload.token) + "?show=new&page=2"
    assert _choices(upload) == {1: "new", 2: "skip", 3: "new"}
    # A choice that does not fit (a new record is no version of anything): none is kept.
    bad = client.post(
        CONFIRM, {"upload": upload.token, "choice_1": "skip", "choice_3": "version:nope"}
    )
    assert bad.status_code == 400
    assert "Record 3" in bad.content.decode()
    assert _choices(upload) == {1: "new", 2: "skip", 3: "new"}
    # A bulk choice, after the page's own.
    client.post(CONFIRM, {"upload": upload.token, "choice_1": "new", "do": "all:new:skip"})
    assert _choices(upload) == {1: "skip", 2: "skip", 3: "skip"}
    nothing = client.post(CONFIRM, {"upload": upload.token})
    assert nothing.status_code == 400
    assert not Reference.objects.exists()


def test_the_preview_pages_fifty_records_and_lists_one_status(client, editor):
    ReferenceFactory(key="known", actor=editor, title="Page outcome 70", doi="10.1000/known")
    text = "".join(
        f"TY  - JOUR\nAU  - Author{n}, A\nTI  - Page outcome {n}\nPY  - 2020\nER  - \n\n"
        for n in range(1, 121)
    )
    upload = import_file_upload(actor=editor, format="ris", text=text)
    import_preview_run(upload_id=upload.pk)
    client.force_login(editor)
    first = client.get(_page(upload.token)).content.decode()
    assert len(re.findall(r'<tr class="import-', first)) == 50
    assert "Page 1 of 3" in first
    third = client.get(_page(upload.token) + "?page=3").content.decode()
    assert len(re.findall(r'<tr class="import-', third)) == 20
    one = client.get(_page(upload.token) + "?show=possible").content.decode()
    assert re.findall(r'<tr class="import-(\w+)', one) == ["possible"]
    assert "Page outcome 70" in one


@pytest.mark.parametrize("who", ["another editor", "a board member"])
def test_an_import_is_its_uploaders_alone(client, upload, who):
    import_preview_run(upload_id=upload.pk)
    client.force_login(EditorFactory() if who == "another editor" else BoardMemberFactory())
    assert client.get(_page(upload.token)).status_code in (403, 404)
    assert client.get(_progress(upload.token)).status_code in (403, 404)
    refused = client.post(CONFIRM, {"upload": upload.token, "choice_1": "skip"})
    assert refused.status_code in (302, 403)
    assert _choices(upload) == {1: "new", 2: "new", 3: "new"}
    assert not Reference.objects.exists()
