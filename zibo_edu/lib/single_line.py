"""Names, titles and subjects are one line of text: no control characters.

A district named "文昌湖区\\r\\nBcc: x@y" would put a header into every email that names it (Django
refuses such a subject, raising BadHeaderError after the change that sent it had committed).
So names and titles refuse control characters when saved (`validate_single_line`), and every
email subject is built by `mail_subject`, which cannot hold one whatever it is given.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 controls, DEL, and the Unicode line and paragraph separators.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f\u2028\u2029]")
_RUNS = re.compile("[\x00-\x1f\x7f\u2028\u2029]+")


@deconstructible
class SingleLineValidator:
    message = _("Use one line of text: no line breaks, tabs or other control characters.")
    code = "control_characters"

    def __call__(self, value: str) -> None:
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SingleLineValidator)


validate_single_line = SingleLineValidator()


def mail_subject(text: str) -> str:
    """A subject that is one header line: each run of control characters becomes one space."""
    return _RUNS.sub(" ", str(text)).strip()
