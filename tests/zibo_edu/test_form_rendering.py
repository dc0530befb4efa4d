"""The form renderer writes plain inputs and textareas itself: exactly what Django's templates
write, whatever the value (escaped), the attributes (true, false, numbers) or the widget."""

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates

from zibo_edu.lib.form_rendering import FormRenderer

WIDGETS = [
    forms.NumberInput(attrs={"step": "0.01"}),
    forms.TextInput(attrs={"maxlength": 200, "required": True, "disabled": False}),
    forms.HiddenInput(),
    forms.DateInput(attrs={"type": "date"}),
    forms.EmailInput(),
    forms.PasswordInput(render_value=True),
    forms.Textarea(attrs={"rows": 1}),
    forms.Select(choices=[("", "—"), ("yes", "是"), ("no", "否")]),
    forms.CheckboxInput(),
]
VALUES = [None, "", "113", 3, 0, "重新统计 <b>“引号”</b> & 'x'", '"><script>', " 前后空格 "]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("value", VALUES)
def test_widgets_render_as_the_templates_do(widget, value):
    attrs = {"id": "id_t7-field", "aria-describedby": "t7-help"}
    expected = widget.render("t7-field", value, attrs=attrs, renderer=DjangoTemplates())
    assert widget.render("t7-field", value, attrs=attrs, renderer=FormRenderer()) == expected


def test_the_project_uses_it():
    assert settings.FORM_RENDERER == "zibo_edu.lib.form_rendering.FormRenderer"


class _Dated(forms.Form):
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(localize=True, widget=forms.NumberInput)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_and_number_inputs_are_written_as_browsers_read_them_in_every_language(
    language, settings
):
    """Django writes the date in the locale's first input format (2025/11/20 in Chinese), which
    a browser's date input shows empty and posts empty; a grouped number the same."""
    import datetime
    from decimal import Decimal

    from django.utils import translation

    settings.USE_THOUSAND_SEPARATOR = True
    form = _Dated(initial={"on": datetime.date(2025, 11, 20), "amount": Decimal("12345.5")})
    with translation.override(language):
        html = str(form["on"]) + str(form["amount"])
    assert 'value="2025-11-20"' in html
    assert 'value="12345.5"' in html
