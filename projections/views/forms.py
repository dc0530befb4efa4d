from django import forms
from django.utils.translation import gettext_lazy as _

from departments.models import District
from projections.models import FIRST_YEAR, LAST_YEAR
from zibo_edu.lib.single_line import validate_single_line


class BirthsForm(forms.Form):
    """One district's births in one year (a correction overwrites, audited)."""

    district = forms.ModelChoiceField(District.objects.none(), label=_("district"))
    year = forms.IntegerField(label=_("year of birth"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    births = forms.IntegerField(label=_("births"), min_value=0, max_value=1_000_000)
    source = forms.CharField(
        label=_("source"), max_length=200, required=False, validators=[validate_single_line]
    )

    def __init__(self, *args, districts: list[District], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(pk__in=[d.pk for d in districts])
        if len(districts) == 1:
            self.fields["district"].initial = districts[0]
