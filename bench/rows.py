"""The rows of `make bench` beyond the article page's: the searches, the answer page, and the
public and workspace pages each read as its reader reads it."""

import os
import tempfile
import time
from dataclasses import dataclass
from functools import partial

from bench.config import SEARCH_WORD, wanted
from bench.load import Result, get, wrk
from bench.report import Row, measure

# wrk: a search no reader asked before (so never in the cache): the word OR a word found
# nowhere, numbered from the first argument on; websearch ranks the same matches as the word.
SEARCH_LUA = """
local word = "%(word)s"
local n = 0
init = function(args)
  n = tonumber(args[1]) or 0
end
request = function()
  n = n + 1
  return wrk.format("GET", "/?q=" .. word .. "+or+zq" .. n .. "x")
end
"""


@dataclass(frozen=True)
class Page:
    """A page measured as it is: `who` is the session it is read with ("" anonymous)."""

    name: str
    path: str
    who: str = ""


def public_pages() -> list[Page]:
    return [
        Page("sitemap index", "/sitemap.xml"),
        Page("sitemap, first page", "/sitemap-articles.xml"),
        Page("feed of updates", "/feeds/updates/"),
    ]


def workspace_pages() -> list[Page]:
    """The workspace lists, each read by who uses it: the editor, bench-reviewer-0 (who
    approved every published article: ARTICLES assignments, decided) and the first board member
    (a few reviews under way, their notifications)."""
    from articles.models import Article

    in_review = Article.objects.get(slug="bench-0").pk
    return [
        Page("board", "/editorial/board/", "editor"),
        Page("board, one state", "/editorial/board/?status=under_review&page=2", "editor"),
        Page("dashboard, editor", "/editorial/", "editor"),
        Page("dashboard, board member", "/editorial/", "member"),
        Page("review queue", "/editorial/reviews/", "member"),
        Page("review queue, decided", "/editorial/reviews/?show=done&page=2", "reviewer"),
        Page("inbox", "/editorial/inbox/", "member"),
        Page("article history", f"/editorial/articles/{in_review}/history/", "editor"),
        Page("readers' questions", "/editorial/questions/", "editor"),
        *reference_pages(),
    ]


def reference_pages() -> list[Page]:
    """The reference library at BENCH_REFERENCES (bench.seed_references): its first page, a
    search for a word in most titles, a rare word and a DOI; the article editor's citation
    picker; the API's list and search. Each read by the editor."""
    from urllib.parse import quote

    from articles.references.models import ReferenceVersion
    from bench.seed_references import COMMON_WORD, RARE_WORD

    doi = ReferenceVersion.objects.exclude(doi="").order_by("-pk").values_list("doi", flat=True)[0]
    library = "/editorial/references/"
    return [
        Page("reference library", library, "editor"),
        Page("reference library search, common word", f"{library}?q={COMMON_WORD}", "editor"),
        Page("reference library search, rare word", f"{library}?q={RARE_WORD}", "editor"),
        Page("reference library search, DOI", f"{library}?q={quote(doi, safe='')}", "editor"),
        Page("citation picker search", f"{library}picker/?q={COMMON_WORD}", "editor"),
        Page("API reference list", "/api/v1/references/", "editor"),
        Page("API reference search", f"/api/v1/references/?q={COMMON_WORD}", "editor"),
    ]


def session_cookie(username: str) -> str:
    """A Cookie header with a session of `username` (as after a login)."""
    from django.conf import settings
    from django.test import Client

    from editorial.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    name = settings.SESSION_COOKIE_NAME
    return f"Cookie: {name}={client.cookies[name].value}"


USERS = {"editor": "bench-editor", "reviewer": "bench-reviewer-0", "member": "bench-member-0"}


def simple_pages(base: str, healthz: str, pages: list[Page]) -> list[Row]:
    """Each page as its reader reads it; a page this build does not have (404) is skipped."""
    pages = [page for page in pages if wanted(page.name)]
    cookies = {who: session_cookie(username) for who, username in USERS.items() if pages}
    rows = []
    for page in pages:
        headers = [cookies[page.who]] if page.who else []
        status, _ = get(f"{base}{page.path}", dict(h.split(": ", 1) for h in headers))
        if status == 404:
            print(f"skipped {page.name}: {page.path} answers 404 in this build")
            continue
        assert status == 200, (page.path, status)
        rows.append(
            measure(page.name, healthz, partial(wrk, "page", f"{base}{page.path}", headers=headers))
        )
    return rows


def searches(base: str, healthz: str) -> list[Row]:
    """A common and a rare word, each cached (the same query again and again) and not (each
    request a query asked by nobody before: see SEARCH_LUA)."""
    from bench.seed import RARE_WORD

    rows = []
    for kind, word in (("common", SEARCH_WORD), ("rare", RARE_WORD)):
        url = f"{base}/?q={word}"
        if wanted(f"search, {kind} word, cached"):
            rows.append(
                measure(f"search, {kind} word, cached", healthz, partial(wrk, "search", url))
            )
        if not wanted(f"search, {kind} word, not cached"):
            continue
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(SEARCH_LUA % {"word": word})
        asked = 0

        def uncached(script: str = lua.name, path: str = f"{base}/?q={word}+or+zqNx") -> Result:
            nonlocal asked
            result = wrk("search", path, script=script, script_args=[str(asked)])
            asked += result.requests  # the next run goes on from there: no query twice
            return result

        rows.append(measure(f"search, {kind} word, not cached", healthz, uncached))
        os.unlink(lua.name)
    return rows


def answer_page(article: str, healthz: str) -> Row:
    """A reader's question answered from the passages of the published articles
    (articles.answers): found once when asked (timed here), then the answer page, which reads
    what was offered."""
    from articles.answers import follow_up_question_ask
    from articles.models import Article, AudienceLevel
    from articles.public.question_views import answer_token

    asked = time.perf_counter()
    question = follow_up_question_ask(
        article=Article.objects.get(slug="bench-7"),
        audience=AudienceLevel.objects.get(is_canonical=True),
        question=f"What should I know about {SEARCH_WORD}?",
    )
    found_ms = (time.perf_counter() - asked) * 1000
    print(f"Passages found for a question in {found_ms:.0f} ms ({question.offered_count})")
    answer = f"{article}questions/answer/{answer_token(question)}/"
    return measure("answer page", healthz, lambda: wrk("answer", answer))
