"""Citation markers: parsing, unknown keys, pinning at submission, numbering and the list."""

import pytest

from articles.errors import BodiesInvalid
from articles.models import AudienceLevel, ReferenceStatus, RevisionCitation
from articles.references.citations import citation_groups, citation_keys, numbers_collapse
from articles.references.citing import UNKNOWN_CITATIONS, UNKNOWN_CITATIONS_REMEDY
from articles.references.rendering import body_render, revision_cited_versions
from articles.references.services import reference_version_create
from articles.services import ContentError, revision_edit
from editorial import workflow
from editorial.workflow import GuardFailed
from tests.factories import ReferenceFactory, RevisionFactory


def _canonical() -> AudienceLevel:
    return AudienceLevel.objects.get(is_canonical=True)


def _edit(revision, editor, text):  # type: ignore[no-untyped-def]
    return revision_edit(revision=revision, editor=editor, bodies={_canonical(): text})


# --- parsing ---------------------------------------------------------------------------------


def test_markers_are_parsed_in_reading_order():
    text = (
        "Rest helps [@kim2013-hip]. Loading [@b; @a] and [see @c, p. 4; -@d, pp. 1-2]. "
        "Mail [me at x@example.org] or [@kim2013-hip]."
    )
    assert citation_groups(text) == [["kim2013-hip"], ["b", "a"], ["c", "d"], ["kim2013-hip"]]
    assert citation_keys(text) == ["kim2013-hip", "b", "a", "c", "d"]


@pytest.mark.parametrize(
    ("numbers", "label"),
    [
        ([1], "1"),
        ([1, 2], "1, 2"),
        ([3, 1, 2], "1-3"),
        ([1, 2, 5, 6, 7], "1, 2, 5-7"),
        ([4, 4, 9], "4, 9"),
        ([1, 3, 4, 5, 6, 8], "1, 3-6, 8"),
    ],
)
def test_consecutive_numbers_collapse(numbers, label):
    runs = numbers_collapse(numbers)
    assert ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs) == label


# --- saving and submitting -------------------------------------------------------------------


def test_saving_a_body_with_unknown_keys_names_every_one(editor, draft):
    ReferenceFactory(key="known")
    with pytest.raises(ContentError, match=UNKNOWN_CITATIONS.format(keys="nope, gone")):
        _edit(draft, editor, "A [@known; @nope] and [@gone] and [@nope].")
    assert "nope" not in draft.bodies.get().body


def test_unknown_keys_are_refused_per_body_as_input(editor, draft):
    ReferenceFactory(key="known")
    patient = AudienceLevel.objects.get(slug="patient")
    bodies = {_canonical(): "A [@known] and [@gone].", patient: "B [@nope] [@known] [@gone]."}

    with pytest.raises(BodiesInvalid, match=UNKNOWN_CITATIONS.format(keys="gone, nope")) as refused:
        revision_edit(revision=draft, editor=editor, bodies=bodies)

    assert refused.value.http_status == 400
    assert {pk: str(reason) for pk, reason in refused.value.by_audience.items()} == {
        _canonical().pk: "Healthcare professional version: unknown reference keys: gone. "
        + UNKNOWN_CITATIONS_REMEDY,
        patient.pk: "Patient or caregiver version: unknown reference keys: nope, gone. "
        + UNKNOWN_CITATIONS_REMEDY,
    }
    assert not draft.bodies.filter(audience=patient).exists()


def test_saving_a_body_with_known_keys_works(editor, draft):
    ReferenceFactory(key="known")
    _edit(draft, editor, "A [@known].")
    assert draft.bodies.get().body == "A [@known]."


def test_submitting_pins_the_current_versions_in_order(editor, draft):
    first, second = ReferenceFactory(key="first"), ReferenceFactory(key="second")
    _edit(draft, editor, "B [@second]. A [@first; @second].")
    workflow.revision_submit(revision=draft, actor=editor)
    pins = list(RevisionCitation.objects.filter(revision=draft).order_by("order"))
    assert [(p.reference, p.version, p.order) for p in pins] == [
        (second, second.current_version, 1),
        (first, first.current_version, 2),
    ]


def test_submitting_with_an_unknown_key_is_refused(editor):
    # A body written before its reference disappeared, or written around revision_edit.
    revision = RevisionFactory(author=editor, canonical_body="See [@missing].")
    with pytest.raises(GuardFailed, match=UNKNOWN_CITATIONS.format(keys="missing")):
        workflow.revision_submit(revision=revision, actor=editor)
    revision.refresh_from_db()
    assert revision.submitted_at is None
    assert not RevisionCitation.objects.exists()


def _new_version(reference, editor, **kwargs):  # type: ignore[no-untyped-def]
    current = reference.current_version
    return reference_version_create(
        reference=reference,
        actor=editor,
        type=current.type,
        csl={**current.csl, "title": "Corrected title"},
        change_note="Erratum",
        **kwargs,
    ).version


def test_an_approved_revision_renders_the_versions_it_was_approved_with(
    editor, reviewer, second_reviewer, reach, client
):
    reference = ReferenceFactory(key="kim", title="Original title")
    revision = RevisionFactory(author=editor, canonical_body="Rest [@kim].")
    reach(revision, "approved", editor=editor, reviewers=[reviewer, second_reviewer])
    workflow.article_publish(revision=revision, actor=editor)
    _new_version(reference, editor, status=ReferenceStatus.CORRECTED)

    response = client.get(revision.article.get_absolute_url())
    assert "Original title" in response.text
    assert "Corrected title" not in response.text
    # A new draft cites the newest version.
    draft = workflow_new_draft(revision, editor)
    assert revision_cited_versions(revision=draft)["kim"].title == "Corrected title"


def workflow_new_draft(revision, editor):  # type: ignore[no-untyped-def]
    from articles.services import revision_create_draft

    return revision_create_draft(article=revision.article, author=editor)


def test_resubmission_keeps_the_first_pins(editor):
    reference = ReferenceFactory(key="kim")
    revision = RevisionFactory(author=editor, canonical_body="Rest [@kim].")
    workflow.revision_submit(revision=revision, actor=editor)
    pinned = reference.current_version
    workflow.revision_withdraw(revision=revision, actor=editor)
    _new_version(reference, editor)
    workflow.revision_submit(revision=revision, actor=editor)
    revision.refresh_from_db()
    assert revision_cited_versions(revision=revision)["kim"] == pinned


# --- rendering -------------------------------------------------------------------------------


def test_body_numbers_follow_first_appearance_and_link_to_the_list(db):
    versions = {
        key: ReferenceFactory(key=key, title=f"Work {key}").current_version
        for key in ["a", "b", "c", "d", "e"]
    }
    rendered = body_render(
        text="First [@c]. Then [@a; @b; @c]. Group [@e; @d; @a]. Code `[@a]`.",
        versions=versions,
    )
    links = '<a href="#ref-{0}" rel="noopener noreferrer">{0}</a>'
    assert f"First <sup>{links.format(1)}</sup>." in rendered.html
    assert f"Then <sup>{links.format(1)}-{links.format(3)}</sup>." in rendered.html
    assert f"Group <sup>{links.format(2)}, {links.format(4)}, {links.format(5)}</sup>." in (
        rendered.html
    )
    assert "<code>[@a]</code>" in rendered.html
    assert [(e.number, e.version.reference.key) for e in rendered.references] == [
        (1, "c"),
        (2, "a"),
        (3, "b"),
        (4, "e"),
        (5, "d"),
    ]
    assert rendered.references[0].html.startswith("Kim WH. Work c.")


def test_uncitable_marker_stays_text(db):
    rendered = body_render(text="See [@ghost] and <b>x</b>.", versions={})
    assert rendered.html == '<p id="passage-1">See [@ghost] and &lt;b&gt;x&lt;/b&gt;.</p>\n'
    assert rendered.references == []


def test_public_page_shows_numbered_list_and_retraction(editor, client):
    kim = ReferenceFactory(key="kim", type="guideline", title="Hip guideline")
    ReferenceFactory(key="lee", title="Hip trial")
    revision = RevisionFactory(author=editor, canonical_body="Rest [@lee]. Load [@kim; @lee].")
    _new_version(kim, editor, status=ReferenceStatus.RETRACTED)  # before submission: pinned
    workflow.revision_submit(revision=revision, actor=editor)
    workflow.article_publish(revision=revision, actor=editor)
    response = client.get(revision.article.get_absolute_url())
    text = response.text
    assert '<li id="ref-1" value="1">' in text
    assert '<li id="ref-2" value="2">' in text
    assert text.index("Hip trial") < text.index("Corrected title")
    assert "Guideline" in text
    assert "Retracted" in text


@pytest.mark.parametrize("size", [3, 60])
def test_reference_list_renders_in_constant_queries(
    size, editor, client, django_assert_num_queries
):
    keys = [ReferenceFactory(key=f"ref{n}").key for n in range(size)]
    body = " ".join(f"Claim {n} [@{key}]." for n, key in enumerate(keys))
    revision = RevisionFactory(author=editor, canonical_body=body)
    workflow.revision_submit(revision=revision, actor=editor)
    workflow.article_publish(revision=revision, actor=editor)
    url = revision.article.get_absolute_url()
    # the levels, no stored page, the page's read (the article with its revisions, the levels
    # with the bodies: their HTML and reference list stored at submission), the page stored
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.text.count('<li id="ref-') == size
    assert f'href="#ref-{size}"' in response.text


@pytest.mark.parametrize("size", [3, 60])
def test_draft_citations_read_in_constant_queries(size, editor, django_assert_num_queries):
    keys = [ReferenceFactory(key=f"ref{n}").key for n in range(size)]
    text = " ".join(f"[@{k}]" for k in keys)
    revision = RevisionFactory(author=editor, canonical_body=text)
    with django_assert_num_queries(2):  # bodies, references with their current versions
        versions = revision_cited_versions(revision=revision)
        rendered = body_render(text=text, versions=versions)
    assert len(rendered.references) == size
