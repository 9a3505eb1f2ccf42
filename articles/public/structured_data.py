"""What the article page tells machines: schema.org MedicalWebPage JSON-LD and Open Graph."""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, AudienceLevel, Revision
from articles.public.facts import PublicApprover
from articles.selectors import ReviewDates

# As django.utils.html.json_script: the JSON cannot close the <script> element or open a comment.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def medical_web_page(
    *,
    article: Article,
    revision: Revision,
    url: str,
    audience: AudienceLevel,
    review_dates: ReviewDates,
    approvers: list[PublicApprover],
    citations: list[dict[str, Any]],
) -> dict[str, Any]:
    """The schema.org MedicalWebPage of one article as read at `audience` (a plain dict);
    `citations` are the body's cited works (citation_work), stored with its HTML."""
    page: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "url": url,
        "name": article.title,
        "dateModified": article.published_at,
        "audience": {"@type": "MedicalAudience", "name": audience.label},
        "citation": citations,
    }
    if article.topic:
        page["about"] = {"@type": "Thing", "name": article.topic}
    if review_dates.last_reviewed is not None:
        page["lastReviewed"] = review_dates.last_reviewed.date()
    if approvers:
        page["reviewedBy"] = [
            {
                "@type": "Person",
                "name": approver.name,
                "honorificSuffix": approver.credentials,
                "knowsAbout": approver.specialty,
            }
            for approver in approvers
        ]
    return page


def json_ld_script(data: dict[str, Any]) -> SafeString:
    """`data` as a JSON-LD data block; a data block is never executed, so the CSP allows it."""
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(_JSON_SCRIPT_ESCAPES)
    # Safe: the escapes above keep every "<", ">" and "&" of the JSON out of the HTML parser.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
