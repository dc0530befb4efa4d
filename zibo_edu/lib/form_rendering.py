"""Form widgets rendered without a template per field.

A page of forms (the entry page: four fields for each of 50 targets) renders some 200 widgets, and
Django renders each through three templates (the widget's, input.html, attrs.html): a third of
the page's time. The plain inputs and the textarea are written here instead, character for
character what those templates write, stripped as DjangoTemplates returns them
(tests/zibo_edu/test_form_rendering.py compares them); any other widget goes through its template.

One difference, on purpose: a `type="date"` or `type="number"` input is written the way a browser
reads it, whatever the language. Django writes a date in the locale's first input format
(2025/11/20 in Chinese) and may group a localized number's thousands; a browser shows such a value
empty and posts it empty, so a save nobody touched would wipe the field. Here the date is written
yyyy-mm-dd and the number with a "." and no grouping, for every form of the project (entry,
review, ledger, notices, admin).
"""

import datetime
import re

from django.forms.renderers import DjangoTemplates
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "hidden", "date", "email", "password", "url")
}
TEXTAREA = "django/forms/widgets/textarea.html"


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and template_name in INPUTS:
            return _input(widget)
        if widget is not None and template_name == TEXTAREA:
            value = widget["value"]
            text = conditional_escape(value) if value else ""
            name = conditional_escape(widget["name"])
            return mark_safe(f'<textarea name="{name}"{_attrs(widget)}>\n{text}</textarea>')
        return super().render(template_name, context, request)


def _input(widget) -> str:
    value = _as_browsers_read(widget["type"], widget["value"])
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    kind, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
    return mark_safe(f'<input type="{kind}" name="{name}"{shown}{_attrs(widget)}>')


def _attrs(widget) -> str:
    parts = []
    for name, value in widget["attrs"].items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _as_browsers_read(kind: str, value):
    """A date input's value as yyyy-mm-dd, a number input's without locale separators."""
    if not isinstance(value, str) or not value:
        return value
    if kind == "date" and not ISO_DATE.fullmatch(value):
        for pattern in formats.get_format("DATE_INPUT_FORMATS"):
            try:
                return datetime.datetime.strptime(value, pattern).date().isoformat()
            except ValueError:
                continue
    if kind == "number":
        return formats.sanitize_separators(value)
    return value
