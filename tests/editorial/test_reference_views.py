"""The reference library pages: list and search, reference page, forms, import, export, picker."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Reference, ReferenceVersion
from articles.references import selectors
from articles.references.exporting import references_export
from articles.references.services import (
    CHANGE_NOTE_REQUIRED,
    NO_CHANGE,
    reference_create,
    reference_version_create,
)
from editorial.workspace import reference_import
from editorial.workspace import references as views
from editorial.workspace.reference_forms import DATE_INVALID, IMPORT_NOTHING
from tests.factories import ReferenceFactory, UserFactory
from tests.importing import import_post

LIBRARY = reverse("editorial:references")
NEW = reverse("editorial:reference_create")
IMPORT = reverse("editorial:reference_import")
CONFIRM = reverse("editorial:reference_import_confirm")
EXPORT = reverse("editorial:reference_export")
PICKER = reverse("editorial:reference_picker")
RIS = (
    "TY  - JOUR\nID  - kim2013\nAU  - Kim, Wan-Hee\nTI  - Ischiofemoral impingement\n"
    "T2  - Am J Sports Med\nVL  - 41\nPY  - 2013\nDO  - 10.1177/0363546513483448\nER  -\n\n"
    "TY  - JOUR\nAU  - Doe, Jane\nTI  - Running volume and hip injury\nPY  - 2018\nER  -\n"
)
FORM = {
    "key": "smith2020-loading",
    "type": "research",
    "csl_type": "article-journal",
    "authors": "Smith, Anna B\nWorld Health Organization",
    "title": "Graded loading after hamstring strain",
    "container_title": "Br J Sports Med",
    "volume": "54",
    "issue": "3",
    "page": "101-108",
    "publisher": "",
    "issued": "2020-02",
    "url": "",
    "accessed": "",
    "doi": "https://doi.org/10.1136/BJSPORTS-2019-101",
    "pmid": "PMID: 31000001",
    "pmcid": "",
    "evidence_level": "grade_moderate",
    "status": "active",
    "change_note": "",
}


def detail_url(reference: Reference) -> str:
    return reverse("editorial:reference", kwargs={"pk": reference.pk})


def edit_url(reference: Reference) -> str:
    return reverse("editorial:reference_edit", kwargs={"pk": reference.pk})


def _upload(text: str, name: str = "refs.ris") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="application/octet-stream")


@pytest.fixture
def kim(editor) -> Reference:
    return ReferenceFactory(
        key="kim2013", actor=editor, title="Ischiofemoral impingement", year=2012
    ).current_version.reference


# --- permissions ---------------------------------------------------------------------------------


def _pages(reference: Reference) -> dict[str, tuple[str, str]]:
    return {
        "library": ("get", LIBRARY),
        "detail": ("get", detail_url(reference)),
        "picker": ("get", PICKER + "?q=kim"),
        "new": ("get", NEW),
        "edit": ("get", edit_url(reference)),
        "import": ("get", IMPORT),
        "export": ("get", f"{EXPORT}?format=ris&ids={reference.pk}"),
        "create": ("post", NEW),
        "revise": ("post", edit_url(reference)),
        "preview": ("post", IMPORT),
        "confirm": ("post", CONFIRM),
    }


# Board members read the library, and may take a copy of what they read (export), as in the API.
READ = {"library", "detail", "picker", "export"}


@pytest.mark.parametrize("role", ["editor", "board", "other", "anonymous"])
def test_who_may_open_each_page(client, role, editor, reviewer, kim):
    user = {"editor": editor, "board": reviewer, "other": UserFactory(), "anonymous": None}[role]
    if user is not None:
        client.force_login(user)
    for name, (method, url) in _pages(kim).items():
        response = getattr(client, method)(url)
        if role == "anonymous":
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("login")), name
        elif role == "other" or (role == "board" and name not in READ):
            assert response.status_code == 403, name
        else:
            assert response.status_code in (200, 302, 400), name
    assert Reference.objects.count() == 1
    assert ReferenceVersion.objects.count() == 1


def test_state_changes_are_post_only(client, editor, kim):
    client.force_login(editor)
    assert client.get(CONFIRM).status_code == 405
    assert client.post(LIBRARY).status_code == 405
    assert client.post(EXPORT).status_code == 405


# --- library ------------------------------------------------------------------------------------


def test_library_lists_key_citation_type_status_and_version(client, editor, reviewer, kim):
    retracted = ReferenceFactory(key="wakefield1998", actor=editor, title="Ileal hyperplasia")
    reference_version_create(
        reference=retracted,
        actor=editor,
        type="research",
        csl=retracted.current_version.csl,
        status="retracted",
        change_note="Retracted by the journal",
    )
    client.force_login(reviewer)
    html = client.get(LIBRARY).content.decode()
    assert "kim2013" in html
    assert "Kim WH. Ischiofemoral impingement. Am J Sports Med. 2012." in html
    assert "Research" in html
    assert '<strong class="overdue">Retracted</strong>' in html
    assert '<td data-label="Version">v2</td>' in html
    assert "Export selected" in html  # board members may take a copy of what they read
    assert "New reference" not in html  # but change nothing
    client.force_login(editor)
    assert "New reference" in client.get(LIBRARY).content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "ischiofemoral"}, ["kim2013"]),
        ({"q": "KIM2013"}, ["kim2013"]),
        ({"q": "okafor"}, ["doe2018"]),
        ({"q": "https://doi.org/10.1136/BJSM-2018-1"}, ["doe2018"]),
        ({"q": "pmid:29000001"}, ["doe2018"]),
        ({"q": "PMC3619390"}, ["doe2018"]),
        ({"type": "guideline"}, ["doe2018"]),
        ({"evidence_level": "grade_high"}, ["doe2018"]),
        ({"status": "active", "q": "pain"}, ["doe2018"]),
        ({"status": "superseded"}, ["zed2001"]),
    ],
)
def test_library_search_and_filters(client, editor, kim, params, expected):
    reference_create(
        key="doe2018",
        actor=editor,
        type="guideline",
        csl={
            "type": "report",
            "title": "Knee pain guideline",
            "author": [{"family": "Okafor", "given": "Chidi"}],
        },
        doi="10.1136/bjsm-2018-1",
        pmid="29000001",
        pmcid="PMC3619390",
        evidence_level="grade_high",
    )
    ReferenceFactory(key="zed2001", actor=editor, title="Hip pain", year=2001)
    reference_version_create(
        reference=Reference.objects.get(key="zed2001"),
        actor=editor,
        type="research",
        csl=Reference.objects.get(key="zed2001").current_version.csl,
        status="superseded",
        change_note="Superseded",
    )
    client.force_login(editor)
    response = client.get(LIBRARY, params)
    keys = [r.key for r in response.context["page"]]
    assert keys == expected


def test_an_invalid_filter_is_shown_and_ignored(client, editor, kim):
    client.force_login(editor)
    response = client.get(LIBRARY, {"type": "nonsense"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert [r.key for r in response.context["page"]] == ["kim2013"]


def test_empty_states_help(client, editor, reviewer):
    client.force_login(editor)
    html = client.get(LIBRARY).content.decode()
    assert "The library is empty" in html
    assert IMPORT in html
    html = client.get(LIBRARY, {"q": "nothing"}).content.decode()
    assert "No reference matches" in html
    client.force_login(reviewer)
    assert "Editors add references" in client.get(LIBRARY).content.decode()


def test_pages_of_25_by_key_with_links_keeping_the_filters(client, editor):
    for n in range(60):
        ReferenceFactory(key=f"r{n:02d}", actor=editor, type="guideline")
    ReferenceFactory(key="other", actor=editor, type="research")
    client.force_login(editor)
    first = client.get(LIBRARY, {"type": "guideline"})
    assert [r.key for r in first.context["page"]] == [f"r{n:02d}" for n in range(25)]
    html = first.content.decode()
    assert (
        "60 references match; showing 25 in key order, from <code>r00</code> to <code>r24</code>"
        in (html)
    )
    assert 'href="?type=guideline&amp;after=r24" rel="next"' in html
    assert 'rel="prev"' not in html
    assert "First page" not in html
    second = client.get(LIBRARY, {"type": "guideline", "after": "r24"})
    assert [r.key for r in second.context["page"]] == [f"r{n:02d}" for n in range(25, 50)]
    html = second.content.decode()
    assert 'href="?type=guideline&amp;before=r25" rel="prev"' in html
    assert 'href="?type=guideline&amp;after=r49" rel="next"' in html
    assert 'href="?type=guideline">First page' in html
    last = client.get(LIBRARY, {"type": "guideline", "after": "r49"})
    assert [r.key for r in last.context["page"]] == [f"r{n:02d}" for n in range(50, 60)]
    assert 'rel="next"' not in last.content.decode()
    back = client.get(LIBRARY, {"type": "guideline", "before": "r50"})
    assert [r.key for r in back.context["page"]] == [f"r{n:02d}" for n in range(25, 50)]
    back = client.get(LIBRARY, {"type": "guideline", "before": "r25"})
    assert [r.key for r in back.context["page"]] == [f"r{n:02d}" for n in range(25)]
    assert 'rel="prev"' not in back.content.decode()
    # An old numbered link, or a key past the end, is a page, never an error.
    assert client.get(LIBRARY, {"page": "2"}).status_code == 200
    assert list(client.get(LIBRARY, {"after": "zzz"}).context["page"]) == []


def test_pages_keep_the_search(client, editor):
    for n in range(30):
        ReferenceFactory(key=f"r{n:02d}", actor=editor, title=f"Graded loading {n}")
    ReferenceFactory(key="a-other", actor=editor, title="Rest")
    client.force_login(editor)
    first = client.get(LIBRARY, {"q": "graded"})
    assert "30 references match; showing 25" in first.content.decode()
    assert 'href="?q=graded&amp;after=r24" rel="next"' in first.content.decode()
    second = client.get(LIBRARY, {"q": "graded", "after": "r24"})
    assert [r.key for r in second.context["page"]] == [f"r{n:02d}" for n in range(25, 30)]


def test_more_than_the_cap_is_counted_as_the_cap_plus(client, editor, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 4)
    for n in range(6):
        ReferenceFactory(key=f"r{n:02d}", actor=editor, title=f"Graded loading {n}")
    client.force_login(editor)
    html = client.get(LIBRARY, {"q": "graded"}).content.decode()
    assert "4+ references match" in html
    assert "Export all 4+ matching" in html
    monkeypatch.setattr(selectors, "COUNT_CAP", 6)
    assert "6 references match" in client.get(LIBRARY, {"q": "graded"}).content.decode()
    assert "6 references;" not in client.get(LIBRARY).content.decode()  # one page: no range
    assert "6 references." in client.get(LIBRARY).content.decode()


@pytest.mark.parametrize("size", [5, 60])
def test_library_query_count_does_not_grow(client, editor, size, django_assert_num_queries):
    for _ in range(size):
        ReferenceFactory(actor=editor, title="Graded loading")
    client.force_login(editor)
    client.get(LIBRARY)
    # session, user, groups (may edit), the matches' ids (1,001 at most: they are the count
    # too), the page, the inbox's unread count
    with django_assert_num_queries(6):
        response = client.get(LIBRARY, {"q": "graded", "type": "research"})
    assert response.context["page"].count == size
    # A later page: the matches past its key, the page, and the count of all of them apart.
    first_key = response.context["page"].rows[0].key
    with django_assert_num_queries(7):
        response = client.get(LIBRARY, {"q": "graded", "type": "research", "after": first_key})
    assert response.context["page"].count == size
    assert len(response.context["page"]) == min(size - 1, 25)
    # No search: session, user, groups, page, capped count, unread count
    with django_assert_num_queries(6):
        response = client.get(LIBRARY, {"after": "a"})
    assert len(response.context["page"]) == min(size, 25)


# --- reference page -----------------------------------------------------------------------------


def test_reference_page_shows_the_citation_fields_links_history_and_diff(client, editor, reviewer):
    reference = reference_create(
        key="kim2013",
        actor=editor,
        type="research",
        csl={
            "type": "article-journal",
            "title": "Ischiofemoral impingement",
            "author": [{"family": "Kim", "given": "Wan-Hee"}],
            "container-title": "Am J Sports Med",
            "volume": "40",
            "issued": {"date-parts": [[2013, 6]]},
            "abstract": "Kept as it is.",
        },
        doi="10.1177/0363546513483448",
        pmid="23000001",
        pmcid="PMC3619390",
    ).version.reference
    csl = reference.current_version.csl
    reference_version_create(
        reference=reference,
        actor=editor,
        type="research",
        csl={**csl, "volume": "41"},
        doi="10.1177/0363546513483448",
        pmid="23000001",
        pmcid="PMC3619390",
        change_note="Volume corrected",
    )
    reference_version_create(
        reference=reference,
        actor=editor,
        type="research",
        csl={**csl, "volume": "41"},
        doi="10.1177/0363546513483448",
        pmid="23000001",
        pmcid="PMC3619390",
        status="retracted",
        change_note="Retracted",
    )
    client.force_login(reviewer)
    response = client.get(detail_url(reference))
    html = response.content.decode()
    assert "<i>Am J Sports Med</i>" in html  # AMA, formatted by citeproc
    assert "Retracted.</strong>" in html
    assert 'href="https://doi.org/10.1177/0363546513483448"' in html
    assert 'href="https://pmc.ncbi.nlm.nih.gov/articles/PMC3619390/"' in html
    assert "Kept as it is." in html
    # Newest first, with who and why.
    assert [v.number for v in response.context["versions"]] == [3, 2, 1]
    assert html.index("Version 3</strong>") < html.index("Volume corrected")
    assert "Edna Editor" in html
    # Default diff: previous -> current (the status); a chosen one: 1 -> 2 (the volume).
    changes = response.context["changes"]
    assert [(label, c.old, c.new) for label, c in changes] == [("Status", "active", "retracted")]
    chosen = client.get(detail_url(reference), {"from": 1, "to": 2}).context["changes"]
    assert [(label, c.old, c.new) for label, c in chosen] == [("Volume", "40", "41")]
    bad = client.get(detail_url(reference), {"from": 9})
    assert bad.status_code == 200
    assert views.VERSION_NOT_FOUND.format(number=9) in bad.content.decode()
    assert "Edit (new version)" not in html
    assert client.get(reverse("editorial:reference", kwargs={"pk": 999})).status_code == 404


@pytest.mark.parametrize("versions", [1, 6])
def test_reference_page_query_count_does_not_grow(
    client, editor, versions, django_assert_num_queries
):
    reference = ReferenceFactory(actor=editor)
    for n in range(2, versions + 1):
        reference_version_create(
            reference=reference,
            actor=editor,
            type="research",
            csl={**reference.current_version.csl, "volume": str(n)},
            change_note=f"v{n}",
        )
    client.force_login(editor)
    client.get(detail_url(reference))
    # session, user, reference, versions with their authors, groups (may edit), unread count
    with django_assert_num_queries(6):
        client.get(detail_url(reference))


# --- new reference and new version --------------------------------------------------------------


def test_editor_creates_a_reference_from_the_form(client, editor):
    client.force_login(editor)
    response = client.post(NEW, FORM)
    reference = Reference.objects.get(key="smith2020-loading")
    assert response.status_code == 302
    assert response["Location"] == detail_url(reference)
    version = reference.current_version
    assert version.csl["author"] == [
        {"family": "Smith", "given": "Anna B"},
        {"literal": "World Health Organization"},
    ]
    assert version.csl["issued"] == {"date-parts": [[2020, 2]]}
    # A DOI keeps its registered case; the identifier row holds the key it is compared by.
    assert (version.doi, version.pmid) == ("10.1136/BJSPORTS-2019-101", "31000001")
    assert reference.identifiers.get(scheme="doi").value == "10.1136/bjsports-2019-101"
    assert (version.evidence_level, version.change_note) == ("grade_moderate", "Created")
    assert "publisher" not in version.csl


def test_a_refused_reference_keeps_the_input_and_says_why(client, editor, kim):
    client.force_login(editor)
    taken = client.post(NEW, FORM | {"key": "kim2013"})
    assert taken.status_code == 200
    html = taken.content.decode()
    assert "A reference with the key &#x27;kim2013&#x27; already exists." in html
    assert "Graded loading after hamstring strain" in html
    assert "Smith, Anna B\nWorld Health Organization" in html
    bad = client.post(NEW, FORM | {"doi": "10.1/x", "issued": "2020-13", "title": ""})
    errors = bad.context["form"].errors
    assert "is not a DOI" in errors["doi"][0]
    assert errors["issued"] == [DATE_INVALID]
    assert "title" in errors
    assert Reference.objects.count() == 1


def test_a_near_duplicate_is_warned_after_saving(client, editor, kim):
    client.force_login(editor)
    response = client.post(
        NEW,
        FORM | {"key": "kim-again", "title": "Ischiofemoral  impingement!", "issued": "2012"},
        follow=True,
    )
    assert "Possible duplicate of kim2013" in response.content.decode()
    assert Reference.objects.filter(key="kim-again").exists()


def test_edit_adds_a_version_and_keeps_fields_the_form_does_not_show(client, editor, kim):
    version = kim.current_version
    reference_version_create(
        reference=kim,
        actor=editor,
        type="research",
        csl={**version.csl, "abstract": "An abstract from PubMed."},
        change_note="Abstract",
    )
    client.force_login(editor)
    form = client.get(edit_url(kim)).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    refused = client.post(edit_url(kim), data | {"volume": "42"})
    assert refused.context["form"].errors["change_note"] == [CHANGE_NOTE_REQUIRED]
    same = client.post(edit_url(kim), data | {"change_note": "Nothing"})
    assert NO_CHANGE.format(number=2) in same.content.decode()
    done = client.post(edit_url(kim), data | {"volume": "42", "change_note": "Volume 42"})
    assert done.status_code == 302
    kim.refresh_from_db()
    new = kim.current_version
    assert (new.number, new.csl["volume"], new.change_note) == (3, "42", "Volume 42")
    assert new.csl["abstract"] == "An abstract from PubMed."
    assert new.csl["author"] == version.csl["author"]


# --- import -------------------------------------------------------------------------------------


def _preview(client, text: str = RIS, **extra):
    return import_post(client, IMPORT, {"file": _upload(text), "format": "", **extra})


def _token(response) -> str:
    return re.search(r'name="upload" value="([^"]+)"', response.content.decode()).group(1)


def test_import_preview_classifies_then_imports_what_is_chosen(client, editor, import_confirm):
    reference_create(
        key="kim2013",
        actor=editor,
        type="guideline",
        csl={"type": "article-journal", "title": "Ischiofemoral impingement", "volume": "40"},
        doi="10.1177/0363546513483448",
    )
    client.force_login(editor)
    preview = _preview(client)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "RIS (.ris)" in html  # detected
    assert "1 new, 0 already in the library or repeated, 1 conflicting, 0 possible" in html
    assert "Same identifier, but different data." in html
    assert f'href="{detail_url(Reference.objects.get(key="kim2013"))}"' in html
    assert "Import as a new version of <code>kim2013</code>" in html
    assert Reference.objects.count() == 1  # a preview writes nothing
    done = import_confirm(
        {
            "upload": _token(preview),
            "choice_1": "version:kim2013",
            "change_note": "From the journal",
        }
    )
    assert 'data-count="imported">2</dd>' in done.content.decode()
    kim = Reference.objects.get(key="kim2013")
    assert (kim.current_version.number, kim.current_version.type) == (2, "guideline")
    assert kim.current_version.change_note == "From the journal"
    assert Reference.objects.filter(key="doe2018-running").exists()


def test_a_record_the_library_refuses_is_listed_on_the_import_and_the_others_import(
    client, editor, import_confirm
):
    ReferenceFactory(key="taken", actor=editor, pmid="555")
    reference_create(
        key="kim2013",
        actor=editor,
        type="research",
        csl={"type": "article-journal", "title": "Ischiofemoral impingement"},
        doi="10.1177/0363546513483448",
    )
    client.force_login(editor)
    # Record 1 carries a PMID that another reference holds: its new version is refused.
    preview = _preview(client, RIS.replace("VL  - 41\n", "VL  - 41\nDP  - NLM\nAN  - 555\n"))
    nothing = client.post(CONFIRM, {"upload": _token(preview), "choice_2": "skip"})
    assert nothing.status_code == 400
    assert reference_import.NOTHING_CHOSEN in nothing.content.decode()
    # The refused confirm kept record 2's choice (skip): the editor takes it back.
    assert 'name="choice_2" value="skip" checked>' in nothing.content.decode()
    done = import_confirm(
        {"upload": _token(preview), "choice_1": "version:kim2013", "choice_2": "new"}
    )
    html = done.content.decode()
    assert "Record 1 (kim2013): PMID 555 already belongs to the reference &#x27;taken&#x27;" in html
    assert 'data-count="imported">1</dd>' in html
    assert 'data-count="refused">1</dd>' in html
    assert Reference.objects.get(key="kim2013").current_version.number == 1
    assert Reference.objects.filter(key="doe2018-running").exists()


def test_a_tampered_or_missing_preview_is_refused(client, editor):
    client.force_login(editor)
    token = _token(_preview(client))
    response = client.post(CONFIRM, {"upload": token[:-2] + "ff"}, follow=True)
    assert reference_import.PREVIEW_EXPIRED in response.content.decode()
    assert Reference.objects.count() == 0


def test_a_record_that_cannot_be_read_is_listed_and_the_others_import(
    client, editor, import_confirm
):
    bad = "TY  - JOUR\nTI  - Fine\nER  -\n\nTY  - JOUR\nID  - x9\nTI  - T\nDO  - 12a\nER  -\n"
    client.force_login(editor)
    response = _preview(client, bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 record cannot be read" in html
    assert "Record 2 — <code>line 5: TY  - JOUR</code>: &#x27;12a&#x27; is not a DOI" in html
    done = import_confirm({"upload": _token(response)})
    assert 'data-count="imported">1</dd>' in done.content.decode()
    assert 'data-count="refused">1</dd>' in done.content.decode()
    assert list(Reference.objects.values_list("current_version__title", flat=True)) == ["Fine"]


def test_import_form_refusals(client, editor):
    client.force_login(editor)
    nothing = client.post(IMPORT, {"format": ""})
    assert IMPORT_NOTHING in nothing.content.decode()
    unknown = client.post(IMPORT, {"text": "Kim W. A title. 2013.", "format": ""})
    assert reference_import.FORMAT_UNKNOWN in unknown.content.decode()
    assert "Kim W. A title. 2013." in unknown.content.decode()  # the text is kept


def test_pasted_csl_json_is_previewed(client, editor):
    items = [{"type": "book", "title": "Sports medicine", "issued": {"date-parts": [[2019]]}}]
    client.force_login(editor)
    response = import_post(client, IMPORT, {"text": json.dumps(items), "format": ""})
    assert "CSL-JSON (.json)" in response.content.decode()
    # Imported unless the editor chooses to skip it.
    assert 'name="choice_1" value="new" checked>' in response.content.decode()


# --- export and picker --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("format", "marker"), [("ris", "TY  - "), ("bibtex", "@"), ("csl-json", "[")]
)
def test_export_selected_or_all_matching(client, editor, format, marker):
    a = ReferenceFactory(key="a-guide", actor=editor, type="guideline")
    ReferenceFactory(key="b-guide", actor=editor, type="guideline")
    ReferenceFactory(key="c-study", actor=editor, type="research")
    client.force_login(editor)
    one = client.get(EXPORT, {"format": format, "ids": [a.pk]})
    assert one.status_code == 200
    assert "attachment" in one["Content-Disposition"]
    text = one.getvalue().decode()
    assert text.lstrip().startswith(marker)
    assert "a-guide" in text
    assert "b-guide" not in text
    matching = client.get(EXPORT, {"format": format, "all": "1", "type": "guideline"})
    text = matching.getvalue().decode()
    assert "a-guide" in text
    assert "b-guide" in text
    assert "c-study" not in text


@pytest.mark.parametrize("format", ["ris", "bibtex", "csl-json"])
def test_export_of_all_matching_is_written_a_batch_at_a_time(
    client, editor, format, monkeypatch, django_assert_num_queries
):
    """The whole library as a file like any other: read and written a batch at a time as it
    is sent (90,000 references at once took 550 MB of a worker's memory), the same file."""
    for number in range(5):
        ReferenceFactory(key=f"ref-{number}", actor=editor, type="guideline")
    monkeypatch.setattr(views, "EXPORT_BATCH", 2)
    client.force_login(editor)
    client.get(LIBRARY)
    # session, user, groups (may read), whether any matches; then one statement for the
    # references, read as the pieces are written
    with django_assert_num_queries(5):
        response = client.get(EXPORT, {"format": format, "all": "1"})
        pieces = [piece.decode() for piece in response.streaming_content]
    assert len([piece for piece in pieces if "ref-" in piece]) == 3  # 2, 2 and 1
    library = list(Reference.objects.select_related("current_version").order_by("key"))
    assert "".join(pieces) == references_export(references=library, format=format)


def test_export_without_a_selection_goes_back_with_a_message(client, editor, kim):
    client.force_login(editor)
    response = client.get(EXPORT, {"format": "ris", "type": "research"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIBRARY}?type=research"
    followed = client.get(EXPORT, {"format": "ris"}, follow=True)
    assert views.EXPORT_NOTHING in followed.content.decode()
    wrong = client.get(EXPORT, {"format": "docx", "ids": [kim.pk]}, follow=True)
    assert views.EXPORT_FORMAT_UNKNOWN in wrong.content.decode()


def test_picker_answers_htmx_with_markers_and_a_page_without(client, editor, kim):
    client.force_login(editor)
    partial = client.get(PICKER, {"q": "ischio"}, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<html" not in html
    assert "[@kim2013]" in html
    assert 'data-cite-key="kim2013"' in html
    assert "HX-Request" in partial["Vary"]
    page = client.get(PICKER, {"q": "ischio"}).content.decode()
    assert "<html" in page
    assert "[@kim2013]" in page
    assert "No reference matches" in client.get(PICKER, {"q": "zzz"}).content.decode()


@pytest.mark.parametrize("size", [5, 60])
def test_picker_query_count_does_not_grow(client, editor, size, django_assert_num_queries):
    for _ in range(size):
        ReferenceFactory(actor=editor)
    client.force_login(editor)
    client.get(PICKER, {"q": "graded"})
    # session, user, groups (may read), the matches' ids (1,001 at most), the first of them
    with django_assert_num_queries(5):
        response = client.get(PICKER, {"q": "graded"}, headers={"HX-Request": "true"})
    assert len(response.context["found"]) == min(size, views.PICKER_SIZE)


def test_article_editor_has_the_picker_and_its_script(client, editor, draft):
    client.force_login(editor)
    html = client.get(
        reverse("editorial:article_edit", kwargs={"pk": draft.article_id})
    ).content.decode()
    assert 'id="picker-q"' in html
    assert 'src="/static/js/citation-picker.js"' in html
    assert "<script>" not in html


def test_edit_keeps_names_and_dates_the_form_cannot_show_unless_changed(client, editor):
    csl = {
        "type": "webpage",
        "title": "Hamstring injuries",
        "author": [{"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"}],
        "issued": {"date-parts": [[2019]], "season": 2},
        "accessed": {"date-parts": [[2024, 3]]},
    }
    reference = reference_create(key="web", actor=editor, type="website", csl=csl).version
    reference = reference.reference
    client.force_login(editor)
    form = client.get(edit_url(reference)).context["form"]
    assert form.initial["accessed"] == "2024-03"
    data = {k: v for k, v in form.initial.items() if v is not None}
    client.post(edit_url(reference), data | {"title": "Hamstring injury", "change_note": "Title"})
    reference.refresh_from_db()
    kept = reference.current_version.csl
    assert (kept["author"], kept["issued"], kept["accessed"]) == (
        csl["author"],
        csl["issued"],
        csl["accessed"],
    )
    client.post(
        edit_url(reference),
        data | {"title": "Hamstring injury", "accessed": "2024-03-07", "change_note": "Read again"},
    )
    reference.refresh_from_db()
    assert reference.current_version.csl["accessed"] == {"date-parts": [[2024, 3, 7]]}
    assert reference.current_version.csl["author"] == csl["author"]


def test_the_import_preview_shows_authors_year_type_and_the_key_each_gets(client, editor):
    ReferenceFactory(key="doe2018-running", actor=editor, title="Another work entirely")
    client.force_login(editor)

    html = _preview(client).content.decode()

    assert '<span class="import-record-facts">Kim WH · 2013 · Research</span>' in html
    assert '<span class="import-record-facts">Doe J · 2018 · Research</span>' in html
    # Record 2's base key is taken: the import gives it the next free one.
    assert "Key if imported as new: <code>kim2013</code>" in html
    assert "Key if imported as new: <code>doe2018b-running</code>" in html
