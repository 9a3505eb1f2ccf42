"""`{% sent_once_key %}`: the hidden field that makes a form's action happen once however often
it is sent (a double click, a browser's retry), for forms that are not a SentOnceForm: a fresh
key at each rendering, which the view passes to editorial.idempotency.action_once
(editorial.workspace.common.done_once)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from articles.request_keys import request_key_new

register = template.Library()


@register.simple_tag
def sent_once_key() -> SafeString:
    return format_html('<input type="hidden" name="idempotency_key" value="{}">', request_key_new())
