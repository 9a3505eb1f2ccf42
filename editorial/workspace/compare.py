"""Editors compare any two revisions of an article, and start a new draft from an older one
after a confirmation (a revert is a new revision: nothing that exists changes)."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from articles.errors import ActionRefused, Reason
from articles.models import Article, Revision
from articles.plain_input import ascii_int
from editorial import drafts, permissions
from editorial.changes import revision_compare
from editorial.selectors import articles_for_user
from editorial.workspace.common import done_once, require

NOT_A_REVISION = "Article {article} has no revision {value}: showing the default comparison."
RESTORED = "Revision {number} started as a new draft with the text of revision {source}."


@dataclass(frozen=True)
class RestoreOffer:
    """Starting a new draft from `source`: allowed, or blocked with the guard's reasons."""

    source: Revision
    reasons: list[Reason]


def _revisions(article: Article) -> list[Revision]:
    """Every revision of the article, newest first (one query); 404 before the first."""
    revisions = list(article.revisions.select_related("author").order_by("-number"))
    if not revisions:
        raise Http404("This article has no revision yet.")
    return revisions


def _chosen(request: HttpRequest, name: str, by_number: dict[int, Revision]) -> Revision | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    number = ascii_int(raw)
    if number is not None and number in by_number:
        return by_number[number]
    raise ValueError(raw)


@login_required
@require_GET
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two revisions side by side (`?from=` and `?to=`, revision numbers; by default the one
    before the newest and the newest), every audience version and the references."""
    user = require(request, permissions.can_compare_revisions)
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    revisions = _revisions(article)
    by_number = {revision.number: revision for revision in revisions}
    status = 200
    try:
        new = _chosen(request, "to", by_number) or revisions[0]
        old = _chosen(request, "from", by_number)
    except ValueError as exc:
        messages.error(request, NOT_A_REVISION.format(article=article, value=exc.args[0]))
        new, old, status = revisions[0], None, 400
    if old is None:
        old = next((r for r in revisions if r.number < new.number), None)
    comparison = revision_compare(revision=new, base=old) if old is not None else None
    newest = revisions[0]
    offers = [
        RestoreOffer(
            source=source,
            reasons=drafts.revision_restore_blockers(source=source, actor=user, newest=newest),
        )
        for source in dict.fromkeys(r for r in (old, new) if r is not None and r != newest)
    ]
    context = {
        "article": article,
        "revisions": revisions,
        "old": old,
        "new": new,
        "comparison": comparison,
        "offers": offers,
    }
    return render(request, "editorial/compare.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The confirmation (GET) and the start (POST) of a new draft with revision `number`'s
    text; a refusal says why, on the same page."""
    user = require(request, permissions.can_compare_revisions)
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    source = get_object_or_404(article.revisions.select_related("article"), number=number)
    if request.method == "POST":
        try:  # sent twice (a double click): one draft, both answered alike
            done = done_once(
                request,
                action=f"restore-{source.pk}",
                perform=lambda: (
                    drafts.revision_restore(
                        source=source,
                        actor=user,
                        change_summary=request.POST.get("change_summary", ""),
                    ).pk
                ),
            )
        except ActionRefused as exc:
            messages.error(request, str(exc))
            return redirect("editorial:restore", pk=article.pk, number=number)
        draft_number = article.revisions.values_list("number", flat=True).get(pk=done.object_id)
        messages.success(request, RESTORED.format(number=draft_number, source=source.number))
        return redirect("editorial:article_edit", pk=article.pk)
    newest = article.revisions.order_by("-number").first()
    context = {
        "article": article,
        "source": source,
        "newest": newest,
        "next_number": newest.number + 1 if newest else 1,
        "reasons": drafts.revision_restore_blockers(source=source, actor=user, newest=newest),
        "summary": drafts.RESTORED_SUMMARY.format(number=source.number),
        "compare_url": reverse("editorial:compare", kwargs={"pk": article.pk})
        + f"?from={source.number}&to={newest.number if newest else source.number}",
    }
    return render(request, "editorial/restore_confirm.html", context)
