"""The demo's scenes, each reached as people reach it: through the reference services, the
content services and the workflow, review and comment actions (so every audit event and
notification is a real one). Safe to run again: what exists already is kept.

- a library of real works (editorial.demo.library), one of them marked retracted;
- an approved, published article citing them at three levels;
- a published, approved article whose next revision is under review by two board members,
  with open comment threads (one on safety) and a citation of the retracted paper, so that
  Approve is held back with its reasons;
- an article published while only submitted (the caution banner), and a draft;
- readers' questions in the editors' queue.
"""

from dataclasses import dataclass, field

from articles.models import Article, AudienceLevel, ChangeKind, Revision
from articles.questions import follow_up_question_create
from articles.references.models import Reference, ReferenceStatus
from articles.references.services import reference_create, reference_version_create
from articles.services import article_create, revision_create_draft, revision_edit
from editorial import comments, review, workflow
from editorial.demo import library, texts
from editorial.models import ReviewComment, User

SAFETY = ReviewComment.Severity.SAFETY
ACCURACY = ReviewComment.Severity.ACCURACY
NOTE = ReviewComment.Severity.NOTE


@dataclass(frozen=True)
class People:
    editor: User
    okafor: User  # internal medicine
    lindqvist: User  # sports medicine

    @property
    def board(self) -> list[User]:
        return [self.okafor, self.lindqvist]


@dataclass
class Built:
    references: int = 0
    retracted: bool = False
    articles: list[str] = field(default_factory=list)


def library_build(*, editor: User) -> int:
    """Add the library's works that are not in it yet; returns how many were added."""
    present = set(Reference.objects.values_list("key", flat=True))
    added = 0
    for work in library.REFERENCES:
        if work.key in present:
            continue
        reference_create(
            key=work.key,
            actor=editor,
            type=work.type,
            csl=work.csl,
            doi=work.doi,
            pmid=work.pmid,
            pmcid=work.pmcid,
            evidence_level=work.evidence_level,
            change_note=library.IMPORT_NOTE,
        )
        added += 1
    return added


def retraction_record(*, editor: User) -> bool:
    """Mark the retracted paper retracted in a new version, unless it is already."""
    reference = (
        Reference.objects.select_related("current_version")
        .filter(key=library.RETRACTED_KEY)
        .first()
    )
    if reference is None or reference.current_version is None:
        return False
    if reference.current_version.is_retracted:
        return False
    reference_version_create(
        reference=reference,
        actor=editor,
        csl=reference.current_version.csl,
        status=ReferenceStatus.RETRACTED,
        change_note=library.RETRACTION_NOTE,
    )
    return True


def _levels() -> dict[str, AudienceLevel]:
    return {level.slug: level for level in AudienceLevel.objects.all()}


def _write(revision: Revision, *, editor: User, bodies: dict[str, str], summary: str) -> None:
    levels = _levels()
    revision_edit(
        revision=revision,
        editor=editor,
        bodies={levels[slug]: text for slug, text in bodies.items()},
        change_summary=summary,
    )


def _review_open(revision: Revision, *, people: People, reviewers: list[User]) -> None:
    """Invite the reviewers; each accepts and declares no conflict of interest."""
    for reviewer in reviewers:
        assignment = workflow.revision_assign_reviewer(
            revision=revision, actor=people.editor, reviewer=reviewer
        )
        review.assignment_accept(assignment=assignment, actor=reviewer)
        review.interests_declare(assignment=assignment, actor=reviewer, none=True, interests=[])


def _approved_and_published(
    revision: Revision,
    *,
    people: People,
    editors_note: str,
    change: workflow.SubmittedChange | None = None,
) -> None:
    workflow.revision_submit(revision=revision, actor=people.editor, change=change)
    _review_open(revision, people=people, reviewers=people.board)
    workflow.revision_approve(
        revision=revision, actor=people.okafor, note="Accurate and well sourced."
    )
    workflow.revision_approve(
        revision=revision,
        actor=people.lindqvist,
        note="Clear at each level.",
        editors_note=editors_note,
    )
    workflow.article_publish(revision=revision, actor=people.editor)


def _comment(
    revision: Revision, *, actor: User, audience: str, quote: str, text: str, severity: str
) -> ReviewComment:
    """A thread on `quote`, found in the body where a reviewer would select it."""
    level = _levels()[audience]
    body = revision.bodies.get(audience=level).body
    return comments.comment_create(
        revision=revision,
        actor=actor,
        audience=level,
        quoted_text=quote,
        offset=body.index(quote),
        body=text,
        severity=severity,
    )


def achilles_build(*, people: People) -> Article:
    article = article_create(
        slug="achilles-tendinopathy-management",
        title="How should mid-portion Achilles tendinopathy be managed?",
        topic="Sports medicine",
        author=people.editor,
    )
    revision = article.revisions.get()
    _write(
        revision,
        editor=people.editor,
        bodies={
            "professional": texts.ACHILLES_PRO,
            "student": texts.ACHILLES_STUDENT,
            "patient": texts.ACHILLES_PATIENT,
        },
        summary="First version",
    )
    _approved_and_published(
        revision,
        people=people,
        editors_note="The patient version would gain from a picture of the heel-drop exercise.",
    )
    # An editorial change on top, approved and published: readers see an update history of
    # two lines, and "last reviewed" stays the first revision's approval.
    wording = revision_create_draft(article=article, author=people.editor)
    _write(
        wording,
        editor=people.editor,
        bodies={
            "patient": texts.ACHILLES_PATIENT.replace("calf exercises", "exercises for your calf")
        },
        summary="Plainer wording in the patient version",
    )
    _approved_and_published(
        wording,
        people=people,
        editors_note="",
        change=workflow.SubmittedChange(
            kind=ChangeKind.EDITORIAL,
            summary="We made the advice on calf exercises easier to read. The advice is unchanged.",
        ),
    )
    follow_up_question_create(
        article=article,
        audience=_levels()["patient"],
        question=(
            "I have had Achilles pain for two months and my physio says I can keep running. "
            "Will running make the tendon tear?"
        ),
    )
    return article


def fever_build(*, people: People) -> Article:
    """Revision 1 approved and published; revision 2 under review, citing the paper the
    library marks retracted afterwards, with the reviewers' threads on it."""
    article = article_create(
        slug="fever-in-children-when-to-worry",
        title="When is a fever in a child an emergency?",
        topic="Paediatrics",
        author=people.editor,
    )
    first = article.revisions.get()
    _write(
        first,
        editor=people.editor,
        bodies={"professional": texts.FEVER_PRO, "patient": texts.FEVER_PATIENT},
        summary="First version",
    )
    _approved_and_published(
        first, people=people, editors_note="Worth a student version when there is time."
    )
    second = revision_create_draft(article=article, author=people.editor)
    _write(
        second,
        editor=people.editor,
        bodies={
            "professional": texts.FEVER_PRO + texts.FEVER_VACCINES_PRO,
            "patient": texts.FEVER_PATIENT + texts.FEVER_VACCINES_PATIENT,
        },
        summary="Adds fever after vaccination, which parents ask about",
    )
    workflow.revision_submit(revision=second, actor=people.editor)
    _review_open(second, people=people, reviewers=people.board)
    safety = _comment(
        second,
        actor=people.okafor,
        audience="professional",
        quote="a 1998 case series of 12",
        text=(
            "This cites the Wakefield paper, which The Lancet retracted in 2010. Do not cite it "
            "as a source: say that the claim came from a paper later retracted, and let the "
            "cohort study and the meta-analysis carry the point."
        ),
        severity=SAFETY,
    )
    comments.comment_reply(
        parent=safety,
        actor=people.editor,
        body="Agreed: the next draft drops the citation and says plainly that it was retracted.",
    )
    _comment(
        second,
        actor=people.lindqvist,
        audience="patient",
        quote="A mild fever in the days after a vaccination is common",
        text="Add that the signs listed above still need help the same day after a vaccination.",
        severity=ACCURACY,
    )
    praise = _comment(
        second,
        actor=people.lindqvist,
        audience="professional",
        quote="Antipyretics do not prevent febrile seizures",
        text="Parents ask about this often: could the patient version say it too?",
        severity=NOTE,
    )
    comments.comment_reply(
        parent=praise, actor=people.editor, body="Yes, in the next draft of the patient version."
    )
    comments.comment_resolve(comment=praise, actor=people.editor)
    follow_up_question_create(
        article=article,
        audience=_levels()["patient"],
        question="My son is 4 months old and has 38.5 °C after his jabs. Should I call someone?",
    )
    return article


def vitamin_d_build(*, people: People) -> Article:
    """Published while only submitted: readers see the caution banner."""
    article = article_create(
        slug="vitamin-d-falls-older-adults",
        title="Does vitamin D prevent falls in older adults?",
        topic="Geriatrics",
        author=people.editor,
    )
    revision = article.revisions.get()
    _write(
        revision,
        editor=people.editor,
        bodies={"professional": texts.VITAMIN_D_PRO, "student": texts.VITAMIN_D_STUDENT},
        summary="First version",
    )
    workflow.revision_submit(revision=revision, actor=people.editor)
    workflow.article_publish(
        revision=revision,
        actor=people.editor,
        note="Published before review: the question comes up in every falls clinic.",
    )
    return article


def plantar_build(*, people: People) -> Article:
    article = article_create(
        slug="plantar-heel-pain-first-steps",
        title="What are the first steps for plantar heel pain?",
        topic="Sports medicine",
        author=people.editor,
    )
    _write(
        article.revisions.get(),
        editor=people.editor,
        bodies={"professional": texts.PLANTAR_PRO},
        summary="First version",
    )
    return article


ARTICLES = {
    "achilles-tendinopathy-management": ("Sports medicine", achilles_build),
    "fever-in-children-when-to-worry": ("Paediatrics", fever_build),
    "vitamin-d-falls-older-adults": ("Geriatrics", vitamin_d_build),
    "plantar-heel-pain-first-steps": ("Sports medicine", plantar_build),
}
TOPICS = sorted({topic for topic, _ in ARTICLES.values()})


def demo_build(*, people: People) -> Built:
    """Everything the demo shows that is not there yet (articles are kept by slug)."""
    built = Built(references=library_build(editor=people.editor))
    existing = set(Article.objects.filter(slug__in=ARTICLES).values_list("slug", flat=True))
    for slug, (_topic, build) in ARTICLES.items():
        if slug not in existing:
            build(people=people)
            built.articles.append(slug)
    # After the fever article's second revision pinned it: its reviewers see it retracted
    # since, and the editors are told which revisions cite it.
    built.retracted = retraction_record(editor=people.editor)
    return built
