from collections.abc import Iterable

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def mark_sentences(text: str, sentences: Iterable[str]) -> SafeString:
    """The plan's text, escaped, with the sentences that targets come from in <mark>."""
    html = escape(text)
    for sentence in dict.fromkeys(sentences):
        html = html.replace(escape(sentence), f"<mark>{escape(sentence)}</mark>", 1)
    return mark_safe(html)
