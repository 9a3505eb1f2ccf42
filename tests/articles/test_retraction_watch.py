"""A Retraction Watch snapshot (the CSV Crossref distributes) marks the references it names,
by DOI or PMID, through new versions: citing articles are flagged as when an editor does it."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.models import Reference, ReferenceStatus
from articles.references.flags import citations_flagged
from articles.references.retraction_watch import (
    NotRetractionWatch,
    notices_read,
    retraction_watch_apply,
)
from editorial import workflow
from tests.factories import EditorFactory, ReferenceFactory, RevisionFactory

NOTICES = Path(__file__).parent / "retraction_watch" / "notices.csv"


def _reference(key: str, **identifiers: str) -> Reference:
    return ReferenceFactory(key=key, csl={"type": "article-journal", "title": key, **identifiers})


@pytest.fixture
def library(db) -> dict[str, Reference]:
    return {
        # DOI in another case and with a resolver prefix: the same work.
        "wakefield": _reference(
            "wakefield1998", DOI="https://doi.org/10.1016/s0140-6736(97)11096-0"
        ),
        "lancet": _reference("mehra2020lancet", DOI="10.1016/S0140-6736(20)31180-6"),
        "nejm": _reference("mehra2020nejm", PMID="32356626"),  # found by its PMID only
        "other": _reference("kim2013", DOI="10.1177/0363546513483772"),
    }


def _status(reference: Reference) -> str:
    reference.refresh_from_db()
    return reference.current_version.status


def _apply(actor):  # type: ignore[no-untyped-def]
    with NOTICES.open(encoding="utf-8-sig", newline="") as stream:
        return retraction_watch_apply(stream=stream, actor=actor)


def test_the_export_is_read_as_its_source_means(db):
    with NOTICES.open(newline="") as stream:
        notices = list(notices_read(stream))
    assert [n.nature for n in notices] == [
        "Retraction",
        "Expression of concern",
        "Retraction",
        "Retraction",
        "Reinstatement",
    ]
    wakefield = notices[0]
    assert (wakefield.doi, wakefield.pmid) == ("10.1016/s0140-6736(97)11096-0", "9500320")  # keys
    assert str(wakefield.notice_date) == "2010-02-02"
    assert (notices[1].notice_doi, notices[1].pmid) == ("", "32450107")  # "unavailable"
    assert (notices[4].doi, notices[4].pmid) == ("", "")  # "unavailable", "0"


def test_each_named_reference_gets_the_gravest_status_and_the_rest_stay(library, editor):
    report = _apply(editor)

    assert _status(library["wakefield"]) == ReferenceStatus.RETRACTED
    # An expression of concern, then the retraction: retracted, with both in the history.
    assert _status(library["lancet"]) == ReferenceStatus.RETRACTED
    assert list(library["lancet"].versions.order_by("number").values_list("status", flat=True)) == [
        ReferenceStatus.ACTIVE,
        ReferenceStatus.EXPRESSION_OF_CONCERN,
        ReferenceStatus.RETRACTED,
    ]
    assert _status(library["nejm"]) == ReferenceStatus.RETRACTED
    assert _status(library["other"]) == ReferenceStatus.ACTIVE
    note = library["wakefield"].current_version.change_note
    assert note.startswith("Retraction Watch record 1001: Retraction of Feb 2, 2010")
    assert "10.1016/S0140-6736(10)60175-4" in note  # as registered
    assert (report.read, report.matched, report.not_applied) == (5, 4, 1)
    assert sorted(report.changed) == sorted(
        [library["wakefield"].pk, library["lancet"].pk, library["lancet"].pk, library["nejm"].pk]
    )


def test_loading_the_same_snapshot_again_writes_nothing(library, editor):
    _apply(editor)
    versions = {r.key: r.versions.count() for r in Reference.objects.all()}
    again = _apply(editor)
    assert again.changed == []
    assert again.unchanged == again.matched == 4
    assert {r.key: r.versions.count() for r in Reference.objects.all()} == versions


def test_a_milder_notice_never_undoes_a_graver_status(library, editor):
    from articles.references.services import reference_version_create

    current = library["lancet"].current_version
    reference_version_create(
        reference=library["lancet"],
        actor=editor,
        csl=dict(current.csl),
        status=ReferenceStatus.RETRACTED,
        change_note="Retracted by the journal",
    )
    snapshot = NOTICES.read_text().splitlines()
    only_concern = "\n".join([snapshot[0], snapshot[2]])  # the expression of concern alone
    report = retraction_watch_apply(stream=StringIO(only_concern), actor=editor)
    assert (report.changed, report.unchanged) == ([], 1)
    assert _status(library["lancet"]) == ReferenceStatus.RETRACTED


def test_the_articles_citing_a_named_reference_are_flagged(library, editor):
    revision = RevisionFactory(
        author=editor, canonical_body="Vaccines do not cause autism [@wakefield1998]."
    )
    workflow.revision_submit(revision=revision, actor=editor)
    _apply(editor)
    assert revision.article_id in {flag.article.pk for flag in citations_flagged()}


def test_a_file_that_is_not_the_export_is_refused_by_name(editor):
    with pytest.raises(NotRetractionWatch, match="OriginalPaperDOI"):
        retraction_watch_apply(stream=StringIO("doi,title\n10.1/x,A\n"), actor=editor)


def test_the_command_loads_a_file_and_says_what_it_did(library, editor):
    out = StringIO()
    call_command("load_retraction_watch", str(NOTICES), "--as", editor.username, stdout=out)
    assert "5 notices read; 4 name a reference of the library; 4 reference(s) marked" in (
        out.getvalue()
    )
    assert _status(library["wakefield"]) == ReferenceStatus.RETRACTED
    with pytest.raises(CommandError, match="No user"):
        call_command("load_retraction_watch", str(NOTICES), "--as", "nobody")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_retraction_watch", "/nonexistent.csv", "--as", editor.username)


def test_an_administrator_loads_it_in_the_admin(library, admin_client):
    url = reverse("admin:articles_reference_retraction_watch")
    assert url in admin_client.get(reverse("admin:articles_reference_changelist")).content.decode()
    with NOTICES.open("rb") as upload:
        answer = admin_client.post(url, {"file": upload}, follow=True)
    assert "4 reference(s) marked" in answer.content.decode()
    assert _status(library["wakefield"]) == ReferenceStatus.RETRACTED
    refused = admin_client.post(url, {"file": StringIO("a,b\n1,2\n")})
    assert "not a Retraction Watch export" in refused.content.decode()


def test_someone_without_the_permission_cannot_load_it(db, client):
    staff = EditorFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:articles_reference_retraction_watch")).status_code == 403
