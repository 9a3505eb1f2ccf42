"""Importing a real-world file in Chromium, as an editor: the preview lists the record that
cannot be read, shows a possible duplicate beside the reference it may repeat, and the editor's
choice for each record is what the import does, under the CSP."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from articles.models import Reference
from articles.references.importing import file_parse, import_job_run, import_upload_store
from articles.references.importing.previewing import import_preview_run
from articles.references.models import ImportState, ImportUpload
from articles.references.services import reference_create
from tests.browser.tools import login_form_submit
from tests.factories import EditorFactory, ReferenceFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SCOPUS = Path(__file__).parent.parent / "articles" / "reference_corpus" / "ris/asreview/scopus.ris"


def test_editor_previews_a_file_with_a_broken_record_and_decides_the_possible_duplicate(
    live_server, page: Page, console, tmp_path, screenshot
):
    editor = EditorFactory(username="edith")
    records = SCOPUS.read_text().split("ER  -")
    title = re.search(r"\nTI  - ([^\n]+)", records[1]).group(1)  # type: ignore[union-attr]
    # The library holds record 2's work under another DOI: a possible duplicate.
    reference_create(
        key="earlier-version",
        actor=editor,
        type="research",
        csl={"type": "article-journal", "title": title, "issued": {"date-parts": [[2019]]}},
        doi="10.9999/preprint.1",
    )
    records[3] = records[3].replace("\nDO  - ", "\nDO  - not-a-doi\nXX  - ", 1)
    upload = tmp_path / "scopus.ris"
    upload.write_text("ER  -".join(records))

    page.goto(live_server.url + reverse("login"))
    login_form_submit(page, "edith")
    page.goto(live_server.url + reverse("editorial:reference_import"))
    page.get_by_label("File").set_input_files(str(upload))
    page.get_by_role("button", name="Preview").click()

    # Celery is eager in tests: the file was read after the upload committed.
    expect(page.get_by_role("heading", name="Import preview")).to_be_visible()
    failure = page.locator("tr.import-refused")
    expect(failure).to_contain_text("Record 4")
    expect(failure).to_contain_text("'not-a-doi' is not a DOI")
    row = page.locator("tr").filter(has_text="Possible duplicate")
    expect(row).to_contain_text("earlier-version")
    expect(row).to_contain_text("DOI 10.9999/preprint.1")  # shown beside, to compare

    screenshot(page)  # test-artifacts/screenshots/: the preview as the editor sees it
    # The editor keeps record 1 out and takes record 2 as a new version of the reference.
    page.locator("tr.import-new").first.get_by_label("Skip").check()
    row.get_by_label("Import as a new version of earlier-version").check()
    page.get_by_role("button", name="Import the chosen records").click()

    # Celery is eager in tests: the import ran after the confirm committed; its page says so.
    expect(page.locator(".import-state")).to_have_text("Done")
    expect(page.locator('[data-count="imported"]')).to_have_text("4")  # 3 new, 1 version
    assert Reference.objects.count() == 4
    assert Reference.objects.get(key="earlier-version").current_version.number == 2
    assert console.csp_violations == []
    assert console.errors == []


def test_the_progress_bar_follows_the_import_to_done_without_a_reload(
    live_server, page: Page, console
):
    editor = EditorFactory(username="edith")
    text = (
        "".join(
            f"TY  - JOUR\nTI  - Loading outcome {n}\nPY  - 2020\nER  - \n\n" for n in range(1, 8)
        )
        + "TY  - JOUR\nTI  - Broken\nDO  - nope\nER  - \n"
    )
    upload = import_upload_store(actor=editor, text=text, format="ris", filename="big.ris")
    parsed = file_parse(data=text, format="ris")
    # Confirmed (as import_job_start leaves it), its task not started yet: Celery is eager in
    # tests, so the test plays the worker below instead of the outbox sending it.
    ImportUpload.objects.filter(pk=upload.pk).update(
        state=ImportState.QUEUED,
        choices={"confirmed": [r.index for r in parsed.records], "change_note": "Imported"},
        records_total=8,
    )

    page.goto(live_server.url + reverse("login"))
    login_form_submit(page, "edith")
    page.goto(live_server.url + reverse("editorial:reference_import_job", args=[upload.token]))
    expect(page.locator(".import-state")).to_have_text("Waiting to start")
    bar = page.locator("progress")
    expect(bar).to_have_attribute("value", "0")
    expect(bar).to_have_attribute("max", "8")

    import_job_run(upload_id=upload.pk, batch_size=3)  # the worker

    # The page polls its progress (htmx, every second) and shows the end without a reload.
    expect(page.locator(".import-state")).to_have_text("Done", timeout=10_000)
    expect(bar).to_have_attribute("value", "8")
    expect(page.locator('[data-count="read"]')).to_have_text("8 of 8")
    expect(page.locator('[data-count="imported"]')).to_have_text("7")
    expect(page.locator('[data-count="refused"]')).to_have_text("1")
    assert Reference.objects.count() == 7
    assert console.csp_violations == []
    assert console.errors == []


def test_a_long_file_is_read_then_chosen_page_by_page_in_bulk_and_by_record(
    live_server, page: Page, console
):
    editor = EditorFactory(username="edith")
    ReferenceFactory(
        key="library-work", actor=editor, title="Library work", year=2020, doi="10.1000/library"
    )
    # Record 1 may repeat the library's work (same title and year, another DOI); 119 are new.
    text = (
        "TY  - JOUR\nTI  - Library work\nPY  - 2020\nDO  - 10.1000/preprint\nER  - \n\n"
        + "".join(
            f"TY  - JOUR\nAU  - Author{n}, A\nTI  - Outcome {n}\nPY  - 2021\nER  - \n\n"
            for n in range(2, 121)
        )
    )
    upload = import_upload_store(actor=editor, text=text, format="ris", filename="long.ris")
    # Uploaded, its reading queued and not started: the test plays the worker below.
    ImportUpload.objects.filter(pk=upload.pk).update(state=ImportState.READING)

    page.goto(live_server.url + reverse("login"))
    login_form_submit(page, "edith")
    page.goto(live_server.url + reverse("editorial:reference_import_job", args=[upload.token]))
    expect(page.get_by_role("heading", name="Reading long.ris")).to_be_visible()
    expect(page.locator(".import-state")).to_have_text("Reading the file")

    import_preview_run(upload_id=upload.pk, batch_size=40)  # the worker

    # The page polls while the file is read and opens the preview when it is ready.
    expect(page.get_by_role("heading", name="Import preview")).to_be_visible(timeout=10_000)
    expect(page.locator("main")).to_contain_text("120 records read — 119 new")
    expect(page.locator("tr.import-new")).to_have_count(49)  # 50 rows a page, record 1 too
    chosen = page.locator(".import-chosen")
    expect(chosen).to_contain_text("119 to import as new")

    # Every new record out, then one back in on the second page.
    page.get_by_role("button", name="Skip every new record (119)").click()
    expect(chosen).to_contain_text("0 to import as new")
    page.get_by_role("button", name="Next →").click()
    expect(page.locator(".pagination")).to_contain_text("Page 2 of 3")
    row = page.locator("tr").filter(has_text="Outcome 60")
    row.get_by_label("Import", exact=True).check()
    page.get_by_role("button", name="Next →").click()  # the choice is kept on the way
    expect(page.locator(".pagination")).to_contain_text("Page 3 of 3")
    expect(chosen).to_contain_text("1 to import as new")

    # The possible duplicate, in its own list, beside the reference it may repeat.
    page.get_by_role("button", name="Possible duplicates (1)").click()
    possible = page.locator("tr.import-possible")
    expect(possible).to_contain_text("DOI 10.1000/library")
    possible.get_by_label("Import as a new version of library-work").check()
    page.get_by_role("button", name="Import the chosen records").click()

    expect(page.locator(".import-state")).to_have_text("Done")
    expect(page.locator('[data-count="imported"]')).to_have_text("2")
    assert Reference.objects.filter(current_version__title="Outcome 60").exists()
    assert Reference.objects.count() == 2
    assert Reference.objects.get(key="library-work").current_version.number == 2
    assert console.csp_violations == []
    assert console.errors == []
