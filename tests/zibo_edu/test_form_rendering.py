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
