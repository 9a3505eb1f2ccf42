"""A rendered body's description: the short plain-text summary its public page gives Open Graph
and search engines, worked out when the body is rendered and stored with it
(AudienceBody.rendered_description)."""

from django.utils.html import strip_tags
from django.utils.text import Truncator

DESCRIPTION_WORDS = 40


def page_description(html: str) -> str:
    """The description of a rendered body's HTML: the first DESCRIPTION_WORDS words of
    strip_tags of the whole body. Worked out once, when the body is rendered (services), so
    the page does not parse it. (Parsing it a chunk at a time, as it was, disagreed with the
    whole body's parse where a chunk ended inside a quoted ">" of an attribute: the property
    test found it.)"""
    return Truncator(" ".join(strip_tags(html).split())).words(DESCRIPTION_WORDS)
