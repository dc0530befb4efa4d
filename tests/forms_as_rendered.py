"""Read the forms of a rendered page and submit them as a browser would, without a browser.

What a browser sends for a form (the HTML standard's "successful controls"): every enabled,
named input with its value (checkboxes and radios only when checked), the selected options of a
select (the first option when none is selected), a textarea's text (less the one newline that
follows the opening tag), and the one submit button that was pressed. An input's value goes
through the browser's value sanitization first: a `type="date"` input holding anything but
yyyy-mm-dd, or a `type="number"` one holding anything but a plain floating-point number
("1,234", "1234,5"), is shown empty and sent empty. So a page whose own values do not survive
the round trip shows up here as it does in Chromium.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

NOT_SENT = {"submit", "button", "image", "reset", "file"}

# https://html.spec.whatwg.org/multipage/input.html#value-sanitization-algorithm
VALID = {
    "date": re.compile(r"\d{4,}-\d{2}-\d{2}"),
    "number": re.compile(r"-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?"),
    "month": re.compile(r"\d{4,}-\d{2}"),
    "time": re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"),
    "datetime-local": re.compile(r"\d{4,}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"),
}


def sanitized(kind: str, value: str) -> str:
    """The value a browser keeps for an input of this type (empty when it is not valid)."""
    rule = VALID.get(kind)
    if rule is not None and not rule.fullmatch(value):
        return ""
    if kind in ("text", "search", "tel", "password"):
        return value.replace("\r", "").replace("\n", "")
    return value


@dataclass
class RenderedForm:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    # inputs by type, to look at how values are written (type="date", type="number")
    typed: list[tuple[str, str, str]] = field(default_factory=list)

    def data(self, button: str | None = None) -> dict[str, list[str]]:
        """The submission, pressing the button with this value (or name), else the first."""
        sent: dict[str, list[str]] = {}
        for name, value in self.fields:
            sent.setdefault(name, []).append(value)
        pressed = [b for b in self.buttons if button in (b[1], b[0])]
        if button is not None and not pressed:
            raise LookupError(f"no button {button!r} in the form: {self.buttons}")
        pressed = pressed or self.buttons[:1]
        for name, value in pressed[:1]:
            if name:
                sent.setdefault(name, []).append(value)
        return sent


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[RenderedForm] = []
        self.form: RenderedForm | None = None
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = RenderedForm(a.get("action") or "", (a.get("method") or "get").lower())
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        disabled = "disabled" in a
        name = a.get("name")
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            value = sanitized(kind, a.get("value") or "")
            self.form.typed.append((kind, name or "", value))
            if kind in ("submit", "image") and not disabled:
                self.form.buttons.append((name or "", value))
            if disabled or not name or kind in NOT_SENT:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields.append((name, a.get("value") or "on"))
                return
            self.form.fields.append((name, value))
        elif tag == "button":
            if (a.get("type") or "submit").lower() == "submit" and not disabled:
                self.form.buttons.append((name or "", a.get("value") or ""))
        elif tag == "select":
            self.select = {"name": name, "disabled": disabled, "multiple": "multiple" in a,
                           "options": []}  # fmt: skip
        elif tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
            self.select["options"].append(self.option)
        elif tag == "textarea":
            self.textarea = {"name": name, "disabled": disabled, "text": ""}

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        if self.textarea is not None:
            self.textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            select, self.select = self.select, None
            if self.form is None or select["disabled"] or not select["name"]:
                return
            options = select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and options and not select["multiple"]:
                chosen = options[:1]
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"].strip()
                self.form.fields.append((select["name"], value))
        elif tag == "textarea" and self.textarea is not None:
            area, self.textarea = self.textarea, None
            if self.form is None or area["disabled"] or not area["name"]:
                return
            text = area["text"]
            text = text[1:] if text.startswith("\n") else text
            self.form.fields.append((area["name"], text.replace("\r\n", "\n")))


def forms_in(html: str) -> list[RenderedForm]:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms


def post_forms(html: str) -> list[RenderedForm]:
    """The page's POST forms (the language switch and the log-out button aside)."""
    header = ("/i18n/setlang", "/accounts/logout")
    return [
        form
        for form in forms_in(html)
        if form.method == "post" and not form.action.rstrip("/").endswith(header)
    ]
