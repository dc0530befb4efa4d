from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from targets.figures import ABSENT, FigureInput, check
from targets.models import Figure, Target

YES_NO = [("", "—"), ("yes", _("yes")), ("no", _("no"))]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class FigureForm(forms.Form):
    """One target's figure for one district and year; the fields follow the target's entry kind."""

    numerator = forms.DecimalField(
        label=_("numerator"), required=False, max_digits=16, decimal_places=2
    )
    denominator = forms.DecimalField(
        label=_("denominator"), required=False, max_digits=16, decimal_places=2
    )
    value = forms.DecimalField(label=_("value"), required=False, max_digits=16, decimal_places=2)
    achieved = forms.TypedChoiceField(
        label=_("achieved"), choices=YES_NO, required=False, coerce=_yes_no, empty_value=None
    )
    achieved_on = forms.DateField(
        label=_("achieved on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 1})
    )
    source = forms.CharField(label=_("source"), required=False, max_length=200)
    version = forms.IntegerField(
        required=False, min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput
    )

    FIELDS_BY_ENTRY = {
        Target.Entry.FRACTION: ("numerator", "denominator"),
        Target.Entry.WHOLE: ("value",),
        Target.Entry.AMOUNT: ("value",),
        Target.Entry.YES_NO: ("achieved",),
        Target.Entry.MILESTONE: ("achieved", "achieved_on"),
    }

    def __new__(cls, *args, target: Target, **kwargs):
        # A form of the target's entry kind: its own copy of only the fields it measures (the
        # entry page makes 40 forms, and every form deep-copies its class's fields).
        return super().__new__(_BY_ENTRY[target.entry] if cls is FigureForm else cls)

    def __init__(
        self,
        *args,
        target: Target,
        figure: Figure | None,
        previous: Figure | None,
        note_threshold: Decimal | None,
        locked: bool | None = None,
        **kwargs,
    ):
        if figure is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{
                    # fixed-point: Decimal("7380").normalize() would show as 7.38E+3
                    name: format(value.normalize(), "f") if isinstance(value, Decimal) else value
                    for name, value in FigureInput.of(figure).__dict__.items()
                },
                "achieved": {True: "yes", False: "no"}.get(figure.achieved, ""),
                "version": figure.version,
            }
        elif "initial" not in kwargs:
            kwargs["initial"] = {"version": ABSENT}  # "absent when loaded" is a version too
        super().__init__(*args, prefix=f"t{target.pk}", **kwargs)
        self.target, self.figure, self.previous = target, figure, previous
        self.note_threshold = note_threshold
        if target.entry == Target.Entry.FRACTION:
            self.fields["numerator"].label = target.numerator_label
            self.fields["denominator"].label = target.denominator_label
        if locked is None:
            locked = figure is not None and not figure.is_editable
        self.locked = locked
        if figure is not None and figure.state == Figure.State.RETURNED and not locked:
            # submitted again unchanged, a returned figure must answer why it was returned
            self.fields["answer"] = forms.CharField(
                label=_("answer to the return"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        # what this row's refused save had typed, shown beside what is stored (a conflict)
        self.refused: list[tuple[str, str]] = []
        if locked:
            for name, field in self.fields.items():
                # the version still posts, so a save tells "shown locked" from "locked since"
                field.disabled = name != "version"

    @property
    def answer(self) -> forms.BoundField | None:
        return self["answer"] if "answer" in self.fields else None

    @property
    def typed(self) -> list[tuple[str, str]]:
        """What was posted for this row, field by field (label, text), for showing it again."""
        if not self.is_bound:
            return []
        names = [*self.FIELDS_BY_ENTRY[self.target.entry], "note", "source"]
        typed = []
        for name in names:
            value = self[name].value()
            if name == "achieved":
                value = dict(YES_NO).get(value or "", "")
            if value not in (None, "", "—"):
                typed.append((self.fields[name].label, str(value)))
        return typed

    @property
    def measured_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.FIELDS_BY_ENTRY[self.target.entry]]

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors or self.locked:
            return cleaned
        for name, message in check(
            self.target, self.figure_input(), self.previous, self.note_threshold
        ).items():
            self.add_error(name if name in self.fields else None, message)
        return cleaned

    def figure_input(self) -> FigureInput:
        data = self.cleaned_data
        return FigureInput(
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            value=data.get("value"),
            achieved=data.get("achieved"),
            achieved_on=data.get("achieved_on"),
            note=data.get("note", "").strip(),
            source=data.get("source", "").strip(),
        )


MEASURES = ("numerator", "denominator", "value", "achieved", "achieved_on")


def _form_of(entry: str) -> type[FigureForm]:
    """FigureForm with the fields of one entry kind only (note, source and version for all)."""
    unused = set(MEASURES) - set(FigureForm.FIELDS_BY_ENTRY[entry])
    form = type(f"FigureForm_{entry}", (FigureForm,), {})
    form.base_fields = {k: f for k, f in FigureForm.base_fields.items() if k not in unused}
    return form


_BY_ENTRY = {entry: _form_of(entry) for entry in FigureForm.FIELDS_BY_ENTRY}
