"""A county evaluation as plain data: the API's answer and the Excel annex read this."""

from decimal import Decimal

from inspections.evaluation import CountyEvaluation
from inspections.models import Kind


def rounded(value, places: int = 3):
    if value is None:
        return None
    return round(float(value), places)


def as_data(e: CountyEvaluation) -> dict:
    data = {
        "kind": e.kind,
        "district": e.district.slug,
        "district_name": e.district.name,
        "school_year": e.school_year,
        "standard": {
            "version": e.standard.version,
            "valid_from": e.standard.valid_from.isoformat(),
            "document": e.standard.document,
        },
        "standing": e.standing,
        "statistics_pass": e.statistics_pass,
        "gaps": e.gaps,
        "items": [
            {
                "part": row.part,
                "number": row.number,
                "text": row.text,
                "status": row.status,
                "note": row.item.note if row.item else "",
            }
            for row in e.items
        ],
        "recognition": {
            "value": rounded(e.recognition_value, 2),
            "at_least": float(e.standard.recognition_min),
            "passes": e.recognition_passes,
        },
        "certified": e.certified,
    }
    if e.kind == Kind.BALANCED:
        data["levels"] = [_level(level) for level in e.resources.levels]
        data["unjudged_schools"] = e.resources.unjudged
    else:
        c = e.coverage
        data["kindergartens"] = c.kindergartens
        data["population_3_5"] = rounded(e.population.value, 0) if e.population else None
        data["indicators"] = [
            {
                "key": m.indicator.key,
                "name": m.indicator.name,
                "value": rounded(m.value),
                "threshold": m.indicator.threshold_text,
                "meets": m.meets,
                "numerator": rounded(m.numerator, 2),
                "denominator": rounded(m.denominator, 2),
                "kindergartens_outside": [
                    {"code": k.code, "name": k.name, "value": rounded(k.value)} for k in m.outside
                ],
            }
            for m in c.measures
        ]
    return data


def _level(level) -> dict:
    return {
        "level": level.level,
        "label": level.label,
        "schools": len(level.verdicts),
        "schools_failing": len(level.failing),
        "passes": level.passes,
        "indicators": [
            {
                "key": d.indicator.key,
                "name": d.indicator.name,
                "unit": d.indicator.unit,
                "standard": float(d.indicator.standard[level.level]),
                "mean": rounded(d.mean),
                "cv": rounded(d.cv),
                "threshold": d.threshold,
                "meets": d.meets,
            }
            for d in level.dispersions
        ],
        "school_values": [
            {
                "code": v.section.code,
                "name": v.section.name,
                "category": v.section.category,
                "students": v.section.students,
                "values": {k: rounded(x) for k, x in v.section.values.items()},
                "indicators_met": v.met,
                "passes": v.passes,
            }
            for v in level.verdicts
        ],
    }


def number(value) -> float | int | None:
    """For Excel: a Decimal or float as a number, rounded to 3 places."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        value = float(value)
    return round(value, 3)
