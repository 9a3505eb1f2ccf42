"""Writes to content: articles, draft revisions and their audience bodies.

Callers check permission first (see editorial.permissions); these keep the content invariants.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from articles.descriptions import page_description
from articles.errors import ActionRefused, Conflict, InvalidInput, StaleEdit
from articles.models import (
    REVISION_LOCKED,
    Article,
    ArticleOldSlug,
    AudienceBody,
    AudienceLevel,
    ReaderPreference,
    ReferenceVersion,
    Revision,
    text_hash,
)
from articles.outbox import outbox_put
from articles.page_versions import article_page_invalidate
from articles.plain_input import LINE_BREAK_REFUSED, holds_line_break
from articles.readability import score_text
from articles.references.citing import bodies_cited_versions
from articles.references.rendering import (
    RenderedBody,
    body_render,
    citation_work,
    revision_cited_versions,
)
from articles.search_documents import article_search_document_refresh
from articles.selectors import revision_newest

# What a new draft copies from the bodies of the revision it starts from.
_COPIED_BODY_FIELDS = ["audience_id", "body", "canonical_hash", *AudienceBody.READABILITY_FIELDS]

DRAFT_EXISTS = "Revision {number} is already a draft: edit it instead of starting another."
STALE_EDIT = (
    "{levels}: changed by {editor} since you read it, so nothing was saved. Read their text, "
    "then save again to keep yours."
)


# A content write refused (409 unless a subclass says otherwise); nothing changed.
ContentError = ActionRefused


def body_fingerprint(body: AudienceBody | None) -> str:
    """What an editor saw of one body (its text; an absent body reads as empty): compare it on
    saving to refuse a write over someone else's change."""
    return text_hash(body.body if body is not None else "")


SLUG_TAKEN = "The address /articles/{slug}/ belongs to another article: choose another."
# Slugs made from the title tried when other articles take them at the same moment.
SLUG_ATTEMPTS = 3
SLUG_INVALID = "An address uses lower-case letters, digits and hyphens only, e.g. {example}."


def slug_from_title(title: str, *, article: Article | None = None) -> str:
    """A free slug made from `title` ("How is gout treated?" -> how-is-gout-treated), with -2,
    -3... when another article has it, or had it (old addresses keep redirecting)."""
    base = slugify(title)[:110].strip("-") or "article"
    candidate, n = base, 1
    while not _slug_free(candidate, article=article):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _slug_free(slug: str, *, article: Article | None = None) -> bool:
    others = Article.objects.filter(slug=slug)
    old = ArticleOldSlug.objects.filter(slug=slug)
    if article is not None:
        others, old = others.exclude(pk=article.pk), old.exclude(article=article)
    return not others.exists() and not old.exists()


def _slug_checked(slug: str, *, title: str, article: Article | None = None) -> str:
    slug = slug.strip()
    if slugify(slug) != slug or len(slug) > 120:
        raise InvalidInput(SLUG_INVALID.format(example=slugify(title)[:60] or "gout-treatment"))
    if not _slug_free(slug, article=article):
        raise Conflict(SLUG_TAKEN.format(slug=slug))
    return slug


def _title_checked(title: str) -> None:
    """A title goes into e-mail subjects and page titles: one line (else InvalidInput)."""
    if holds_line_break(title):
        raise InvalidInput(LINE_BREAK_REFUSED)


def article_create(  # type: ignore[no-untyped-def]
    *,
    title: str,
    topic: str,
    author,
    slug: str = "",
    review_interval_months: int | None = None,
) -> Article:
    """Create an article with its first, empty draft revision (the workspace, the API and the
    admin all create articles here, so none is ever without a revision). The slug is made from
    the title when left empty. Raises InvalidInput or Conflict for a slug that cannot be."""
    _title_checked(title)
    chosen = bool(slug.strip())
    slug = _slug_checked(slug, title=title) if chosen else slug_from_title(title)
    fields: dict[str, object] = {"title": title, "topic": topic}
    if review_interval_months is not None:
        fields["review_interval_months"] = review_interval_months
    for _attempt in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                article = Article.objects.create(slug=slug, **fields)
                Revision.objects.create(
                    article=article, number=1, author=author, last_edited_by=author
                )
        except IntegrityError:
            # Another article took the slug between the check and the insert (two editors at
            # the same moment): a chosen slug is refused as taken, a made one is made again.
            if _slug_free(slug):
                raise  # not the slug's constraint
            if chosen:
                raise Conflict(SLUG_TAKEN.format(slug=slug)) from None
            slug = slug_from_title(title)
        else:
            return article
    raise Conflict(SLUG_TAKEN.format(slug=slug))


# What editors may change on an article itself (publication goes through the workflow).
ARTICLE_EDITABLE_FIELDS = ("slug", "title", "topic", "review_interval_months")


def article_details_update(*, article: Article, changes: dict[str, object]) -> Article:
    """Save the given fields of ARTICLE_EDITABLE_FIELDS (only those: a full save() could undo
    a concurrent publication); the public page changes after commit."""
    unknown = set(changes) - set(ARTICLE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    if "title" in changes:
        _title_checked(str(changes["title"]))
    old_slug = article.slug
    new_slug = changes.get("slug", old_slug)
    if new_slug != old_slug:
        changes["slug"] = _slug_checked(
            str(new_slug), title=str(changes.get("title", article.title)), article=article
        )
    for field, value in changes.items():
        setattr(article, field, value)
    article.save(update_fields=[*changes, "updated_at"])
    if article.slug != old_slug:
        # The old address keeps answering, with a permanent redirect; coming back to an old
        # slug makes it the address again.
        ArticleOldSlug.objects.filter(slug=article.slug).delete()
        ArticleOldSlug.objects.create(slug=old_slug, article=article)
    # A new title or topic must be findable at once (the stored search vector holds them).
    article_search_document_refresh(article_id=article.pk)
    for slug in {old_slug, article.slug}:
        article_page_invalidate(slug=slug)
    return article


def revision_create_draft(  # type: ignore[no-untyped-def]
    *, article: Article, author, change_summary: str = "", source: Revision | None = None
) -> Revision:
    """Start a new draft copying the bodies of `source` (default: the newest revision).

    Raises ContentError when the newest revision is still an editable draft.
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        latest = revision_newest(article=article)
        if latest is not None and latest.is_editable:
            raise ContentError(DRAFT_EXISTS.format(number=latest.number))
        number = (article.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = Revision.objects.create(
            article=article,
            number=number,
            author=author,
            last_edited_by=author,
            change_summary=change_summary,
        )
        source = source or latest
        if source is not None:
            AudienceBody.objects.bulk_create(
                AudienceBody(
                    revision=draft,
                    **{field: getattr(body, field) for field in _COPIED_BODY_FIELDS},
                )
                for body in source.bodies.all()
            )
    return draft


def revision_edit(
    *,
    revision: Revision,
    editor,  # type: ignore[no-untyped-def]
    bodies: dict[AudienceLevel, str],
    change_summary: str | None = None,
    seen: dict[int, str] | None = None,
) -> Revision:
    """Save the bodies (an empty text removes that audience's body) and the change summary.

    `seen` maps audience ids to the body_fingerprint the editor started from; when a body has
    changed since, StaleEdit is raised and nothing is saved.

    A body written in this edit is recorded as written against the canonical text as it stands
    after the edit; the others keep the fingerprint they had, so that a change of the canonical
    text alone marks them as possibly out of date. Changed bodies are re-scored after commit.
    Raises ContentError when the revision was submitted, BodiesInvalid (per body) when a body
    cites a key the library does not hold. Writes no audit event: editing is not a transition.
    """
    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=revision.pk)
        if not revision.is_editable:
            raise ContentError(REVISION_LOCKED.format(number=revision.number))
        existing = {body.audience_id: body for body in revision.bodies.select_related("audience")}
        if seen:
            _check_unchanged(revision=revision, existing=existing, seen=seen)
        texts = {audience: text.replace("\r\n", "\n").strip() for audience, text in bodies.items()}
        bodies_cited_versions(bodies=texts)
        canonical_text = next(
            (text for audience, text in texts.items() if audience.is_canonical),
            next((b.body for b in existing.values() if b.audience.is_canonical), ""),
        )
        canonical = text_hash(canonical_text)
        changed: list[int] = []
        for audience, text in texts.items():
            body = existing.get(audience.pk)
            if not text:
                if body is not None:
                    body.delete()
            elif body is None:
                body = AudienceBody.objects.create(
                    revision=revision, audience=audience, body=text, canonical_hash=canonical
                )
                changed.append(body.pk)
            elif body.body != text:
                body.body = text
                body.canonical_hash = canonical
                body.save(update_fields=["body", "canonical_hash", "updated_at"])
                changed.append(body.pk)
        fields = ["last_edited_by"]
        revision.last_edited_by = editor
        revision.writers.add(editor)  # never a reviewer of this article (article_writer_ids)
        if change_summary is not None:
            revision.change_summary = change_summary.strip()
            fields.append("change_summary")
        revision.save(update_fields=fields)
        for body_id in changed:
            # Scored by a task, after commit (the outbox: a broker away delays it only).
            outbox_put("audience-body.changed", body_id=body_id)
    return revision


def _check_unchanged(
    *, revision: Revision, existing: dict[int, AudienceBody], seen: dict[int, str]
) -> None:
    stale = [
        audience_id
        for audience_id, fingerprint in seen.items()
        if body_fingerprint(existing.get(audience_id)) != fingerprint
    ]
    if stale:
        labels = AudienceLevel.objects.filter(pk__in=stale).values_list("label", flat=True)
        raise StaleEdit(
            STALE_EDIT.format(
                levels=", ".join(labels), editor=revision.last_edited_by or "another editor"
            ),
            audience_ids=stale,
        )


def audience_body_score(*, body_id: int) -> AudienceBody | None:
    """Compute and store the readability of one body; nothing to do if already scored.

    Returns the body, or None when it was deleted meanwhile.
    """
    body = AudienceBody.objects.filter(pk=body_id).first()
    if body is None:
        return None
    fingerprint = text_hash(body.body)
    if body.scored_hash == fingerprint:
        return body
    scores = score_text(body.body)
    values = {
        "fk_grade": scores.fk_grade,
        "smog": scores.smog,
        "reading_ease": scores.reading_ease,
        "sentence_count": scores.sentence_count,
        "word_count": scores.word_count,
        "scored_hash": fingerprint,
    }
    # update(), not save(): the scores describe the text and may land after the revision was
    # submitted, when save() refuses any change. The filter on `body` drops scores computed
    # for a text that changed meanwhile; the newer text has its own task queued.
    AudienceBody.objects.filter(pk=body.pk, body=body.body).update(**values)
    for field, value in values.items():
        setattr(body, field, value)
    return body


def reader_preference_set(*, user, audience: AudienceLevel) -> ReaderPreference:  # type: ignore[no-untyped-def]
    """Remember on the account which audience level a logged-in reader chose."""
    preference, _ = ReaderPreference.objects.update_or_create(
        user=user, defaults={"audience": audience}
    )
    return preference


def body_rendered_values(rendered: RenderedBody) -> dict[str, Any]:
    """What a body keeps of its rendering (AudienceBody's rendered_* fields): the body's HTML,
    the reference list's HTML, the cited works for the JSON-LD, its description, the time."""
    html = str(rendered.html)
    return {
        "rendered_html": html,
        "rendered_references": render_to_string(
            "articles/partials/reference_list.html", {"references": rendered.references}
        ).strip(),
        "rendered_citations": [citation_work(entry) for entry in rendered.references],
        "rendered_description": page_description(html),
        "rendered_at": timezone.now(),
    }


def audience_body_render(
    *, body: AudienceBody, versions: dict[str, ReferenceVersion] | None = None
) -> AudienceBody:
    """Render `body` for the public page (body HTML, reference list HTML, cited works) with
    the reference versions its revision pins, and store it when the revision was submitted.

    `versions` (from revision_cited_versions) saves a query per body; a draft's body is
    rendered but not stored, since its text may still change.
    """
    if versions is None:
        versions = revision_cited_versions(revision=body.revision)
    values = body_rendered_values(body_render(text=body.body, versions=versions))
    # update(), not save(): a submitted revision's bodies refuse save() (their text is frozen;
    # this is derived from it). The filter on `body` skips a text that changed meanwhile.
    AudienceBody.objects.filter(
        pk=body.pk, body=body.body, revision__submitted_at__isnull=False
    ).update(**values)
    for field, value in values.items():
        setattr(body, field, value)
    return body


def revision_bodies_render(*, revision: Revision, force: bool = False) -> int:
    """Store the public HTML of each body of a submitted `revision` not rendered yet (all of
    them with `force`, e.g. after a change of the renderer). Returns how many were rendered.

    Called by the workflow on submission and publication; two queries plus one per body.
    """
    bodies = revision.bodies.all()
    if not force:
        bodies = bodies.filter(rendered_at__isnull=True)
    pending = list(bodies)
    if not pending:
        return 0
    versions = revision_cited_versions(revision=revision)
    for body in pending:
        body.revision = revision
        audience_body_render(body=body, versions=versions)
    return len(pending)


def reference_pages_refresh(*, reference_id: int) -> int:
    """Render again the stored public HTML of every submitted revision citing any version of
    the reference, and retire its article's cached pages: the reference list's retracted mark
    follows the reference's current version. Returns the revisions rendered."""
    revisions = (
        Revision.objects.filter(
            submitted_at__isnull=False, citations__version__reference_id=reference_id
        )
        .select_related("article")
        .distinct()
    )
    count = 0
    for revision in revisions:
        revision_bodies_render(revision=revision, force=True)
        article_page_invalidate(slug=revision.article.slug)
        count += 1
    return count
