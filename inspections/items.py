"""Recording the county items: what the city admin enters for a county, kind and school year,
checked all first (nothing is saved when anything is wrong) and audited (CountyItemChange, one
row per item changed, with the values before and after)."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.audit import only_changed
from inspections.models import (
    CERTIFICATION,
    POPULATION,
    RECOGNITION,
    CountyItem,
    CountyItemChange,
    Status,
)
from inspections.standards import Standard
from zibo_edu.lib import uploads

NOTE_MAX = 500


@dataclass
class Slot:
    """One thing the form records: an item of a part, 社会认可度, the population, 认定."""

    part: str
    number: int
    label: str
    has_status: bool = True
    value: str = ""  # "percent" | "people" | ""

    @property
    def prefix(self) -> str:
        return f"{self.part}-{self.number}"


def slots(standard: Standard) -> list[Slot]:
    out = []
    for part in standard.parts:
        for number, text in enumerate(part.items, 1):
            out.append(Slot(part.key, number, f"{part.name}{number}. {text}"))
    out.append(Slot(RECOGNITION, 0, standard.recognition_name, has_status=False, value="percent"))
    if standard.kind == "preschool":
        out.append(Slot(POPULATION, 0, standard.population_name, has_status=False, value="people"))
    out.append(Slot(CERTIFICATION, 0, _("Certified by the national evaluation (国家督导评估认定)")))
    return out


def shown(slot: Slot, recorded: dict, posted=None) -> dict:
    """What the form shows for a slot: what was posted when it is shown again with errors (so
    nothing typed is lost), else what is stored."""
    item = recorded.get((slot.part, slot.number))
    stored = _snapshot(item)
    value = "" if stored["value"] is None else stored["value"]
    if slot.value == "people" and value:
        value = value.split(".")[0]
    values = {"status": stored["status"], "value": value, "note": stored["note"]}
    if posted is not None:
        for key in values:
            values[key] = posted.get(f"{slot.prefix}-{key}", values[key])
    return values


def _snapshot(item: CountyItem | None) -> dict:
    if item is None:
        return {"status": Status.NOT_ASSESSED, "value": None, "note": "", "evidence": ""}
    return {
        "status": item.status,
        "value": None if item.value is None else f"{item.value:.2f}",
        "note": item.note,
        "evidence": item.evidence_name,
    }


def _value(slot: Slot, raw: str) -> Decimal | None:
    raw = raw.strip().replace(",", "").replace("，", "")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if slot.value == "percent":
        if value is None or not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
            raise ValidationError(_("a percentage between 0 and 100, such as 91.5"))
        return value.quantize(Decimal("0.01"))
    if value is None or not value.is_finite() or value != value.to_integral_value() or value < 1:
        raise ValidationError(_("a whole number of people, 1 or more"))
    if value >= Decimal(10) ** 10:
        raise ValidationError(_("a whole number of people, 1 or more"))
    return value


def record(district, kind: str, school_year: int, standard: Standard, data, files, user) -> int:
    """Save what changed; returns the number of items changed. Raises ValidationError with a
    list of messages, each naming the item, when anything is wrong (nothing saved then)."""
    existing = {
        (i.part, i.number): i
        for i in CountyItem.objects.filter(district=district, kind=kind, school_year=school_year)
    }
    errors, planned = [], []
    for slot in slots(standard):
        item = existing.get((slot.part, slot.number))
        old = _snapshot(item)
        new = dict(old)
        if slot.has_status:
            status = data.get(f"{slot.prefix}-status", old["status"])
            if status not in Status.values:
                allowed = "、".join(Status.values)
                errors.append(
                    f"{slot.label}: "
                    + _("status must be one of %(allowed)s") % {"allowed": allowed}
                )
                continue
            new["status"] = status
        if slot.value:
            try:
                value = _value(slot, data.get(f"{slot.prefix}-value", ""))
            except ValidationError as error:
                errors.append(f"{slot.label}: {error.messages[0]}")
                continue
            new["value"] = None if value is None else f"{value:.2f}"
        note = data.get(f"{slot.prefix}-note", old["note"]).replace("\r\n", "\n").strip()
        if len(note) > NOTE_MAX:
            errors.append(
                f"{slot.label}: " + _("a note of at most %(n)s characters") % {"n": NOTE_MAX}
            )
            continue
        new["note"] = note
        upload = files.get(f"{slot.prefix}-file")
        content_type = ""
        if upload is not None:
            try:
                content_type = uploads.evidence(upload)
            except ValidationError as error:
                errors.append(f"{slot.label}: {error.messages[0]}")
                continue
            new["evidence"] = uploads.shortened_name(upload.name or "file", 200)
        before, after = only_changed(old, new)
        if before or after or upload is not None:
            planned.append((slot, item, old, new, upload, content_type))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for slot, item, old, new, upload, content_type in planned:
            if item is None:
                item = CountyItem(
                    district=district,
                    kind=kind,
                    school_year=school_year,
                    part=slot.part,
                    number=slot.number,
                )
            item.status = new["status"]
            item.value = None if new["value"] is None else Decimal(new["value"])
            item.note = new["note"]
            item.updated_at = timezone.now()
            item.updated_by = user
            replaced = item.evidence.name if upload is not None and item.evidence else ""
            if upload is not None:
                item.evidence_name = new["evidence"]
                item.evidence_type = content_type
                item.evidence.save(upload.name or "file", upload, save=False)
            item.save()
            if replaced:
                storage = item.evidence.storage
                transaction.on_commit(lambda name=replaced, st=storage: st.delete(name))
            before, after = only_changed(old, new)
            if upload is not None and "evidence" not in after:
                before["evidence"], after["evidence"] = old["evidence"], new["evidence"]
            CountyItemChange.objects.create(
                item=item,
                changed_by=user,
                channel=CountyItemChange.Channel.FORM,
                action="save",
                old=before,
                new=after,
            )
    return len(planned)
