"""The standards of the county 督导 evaluations, as versioned data: one YAML file per version
of a method in this folder (`balanced-2017.yaml`: 教督〔2017〕6号; `preschool-2020.yaml`: 教督
〔2020〕1号). A revised standard is a new file with its version and the day it is valid from;
an evaluation of school year Y is judged by the latest version valid on Y's census day (1
September), and every page and document names that version.

A file that names an unknown statistics field or level, or leaves out what it must say, is
refused when loaded (named by file and key).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml

from schools.statistics import FIELD, census_day

FOLDER = Path(__file__).parent
KINDS = ("balanced", "preschool")
LEVELS = ("primary", "junior")


class StandardError(ValueError):
    """A standard's file that does not say what it must."""


@dataclass(frozen=True)
class Part:
    key: str
    name: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class ResourceIndicator:
    """One of the seven 资源配置 indicators: Σ fields × scale × per / students."""

    key: str
    name: str
    unit: str
    fields: tuple[str, ...]
    per: int
    scale: Decimal
    standard: dict[str, Decimal]  # level -> the standard's value


@dataclass(frozen=True)
class PreschoolIndicator:
    key: str
    name: str
    unit: str
    numerator: str
    denominator: str | None  # None: the recorded population aged 3–5
    inclusiveness: tuple[str, ...]  # the kindergartens counted in the numerator; () all
    percent: bool
    at_least: Decimal | None
    at_most: Decimal | None
    per_kindergarten: bool
    basis: str

    def meets(self, value: Decimal | None) -> bool | None:
        if value is None:
            return None
        if self.at_least is not None and value < self.at_least:
            return False
        return not (self.at_most is not None and value > self.at_most)

    @property
    def threshold_text(self) -> str:
        unit = "%" if self.percent else ""
        if self.at_least is not None:
            return f"≥{self.at_least}{unit}"
        return f"≤{self.at_most}{unit}"


@dataclass(frozen=True)
class Standard:
    kind: str
    version: str
    valid_from: datetime.date
    name: str
    document: str
    parts: tuple[Part, ...]
    recognition_min: Decimal
    recognition_name: str
    # balanced
    levels: dict[str, str]
    indicators: tuple  # ResourceIndicator (balanced) or PreschoolIndicator (preschool)
    meet_at_least: int = 0
    rest_share: Decimal = Decimal(0)
    cv_max: dict[str, Decimal] | None = None
    population_name: str = ""

    @property
    def label(self) -> str:
        """How the pages name the version that judged: "教督〔2017〕6号（2017版，2017-04-26起）"."""
        number = self.document.split("（")[-1].rstrip("）")
        return f"{number}（{self.version}版，{self.valid_from:%Y-%m-%d}起）"

    def item_keys(self) -> list[tuple[str, int, str]]:
        """(part key, number from 1, text) of every recorded item."""
        return [(p.key, n, text) for p in self.parts for n, text in enumerate(p.items, 1)]


def _decimal(value, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except Exception as error:
        raise StandardError(f"{where}: {value!r} is not a number") from error


def _require(data: dict, keys: list[str], where: str) -> None:
    missing = [k for k in keys if k not in data]
    if missing:
        raise StandardError(f"{where}: missing {', '.join(missing)}")


def _fields(value, where: str) -> tuple[str, ...]:
    names = tuple(value) if isinstance(value, list) else (value,)
    for name in names:
        if name not in FIELD:
            raise StandardError(f"{where}: unknown statistics field {name!r}")
    return names


def parse(data: dict, where: str) -> Standard:
    _require(data, ["kind", "version", "valid_from", "name", "document", "indicators",
                    "parts", "recognition"], where)  # fmt: skip
    kind = data["kind"]
    if kind not in KINDS:
        raise StandardError(f"{where}: kind must be one of {', '.join(KINDS)}")
    valid_from = data["valid_from"]
    if not isinstance(valid_from, datetime.date):
        raise StandardError(f"{where}: valid_from must be a date (yyyy-mm-dd)")
    parts = tuple(
        Part(p["key"], p["name"], tuple(str(i) for i in p["items"])) for p in data["parts"]
    )
    common = {
        "kind": kind,
        "version": str(data["version"]),
        "valid_from": valid_from,
        "name": data["name"],
        "document": data["document"],
        "parts": parts,
        "recognition_min": _decimal(data["recognition"]["at_least"], f"{where} recognition"),
        "recognition_name": data["recognition"]["name"],
    }
    if kind == "balanced":
        _require(data, ["levels", "school_rule", "cv_max"], where)
        levels = dict(data["levels"])
        if set(levels) != set(LEVELS):
            raise StandardError(f"{where}: levels must be {', '.join(LEVELS)}")
        indicators = []
        for row in data["indicators"]:
            at = f"{where} indicator {row.get('key')}"
            _require(row, ["key", "name", "unit", "field", "per", "standard"], at)
            standard = {lv: _decimal(row["standard"][lv], at) for lv in LEVELS}
            indicators.append(
                ResourceIndicator(row["key"], row["name"], row["unit"], _fields(row["field"], at),
                                  int(row["per"]), _decimal(row.get("scale", 1), at), standard)
            )  # fmt: skip
        return Standard(
            **common,
            levels=levels,
            indicators=tuple(indicators),
            meet_at_least=int(data["school_rule"]["meet_at_least"]),
            rest_share=_decimal(data["school_rule"]["rest_share"], where),
            cv_max={lv: _decimal(data["cv_max"][lv], where) for lv in LEVELS},
        )
    indicators = []
    for row in data["indicators"]:
        at = f"{where} indicator {row.get('key')}"
        _require(row, ["key", "name", "numerator"], at)
        if ("at_least" in row) == ("at_most" in row):
            raise StandardError(f"{at}: give one of at_least, at_most")
        if not row.get("population"):
            _require(row, ["denominator"], at)
        indicators.append(
            PreschoolIndicator(
                key=row["key"],
                name=row["name"],
                unit=row.get("unit", ""),
                numerator=_fields(row["numerator"], at)[0],
                denominator=None if row.get("population") else _fields(row["denominator"], at)[0],
                inclusiveness=tuple(row.get("inclusiveness", ())),
                percent=bool(row.get("percent")),
                at_least=_decimal(row["at_least"], at) if "at_least" in row else None,
                at_most=_decimal(row["at_most"], at) if "at_most" in row else None,
                per_kindergarten=bool(row.get("per_kindergarten")),
                basis=row.get("basis", ""),
            )
        )
    return Standard(
        **common,
        levels={},
        indicators=tuple(indicators),
        population_name=data.get("population", {}).get("name", ""),
    )


@cache
def standards() -> dict[str, list[Standard]]:
    """Every shipped standard by kind, oldest version first."""
    found: dict[str, list[Standard]] = {kind: [] for kind in KINDS}
    for path in sorted(FOLDER.glob("*.yaml")):
        standard = parse(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
        found[standard.kind].append(standard)
    for versions in found.values():
        versions.sort(key=lambda s: s.valid_from)
    return found


def standard_for(kind: str, school_year: int) -> Standard:
    """The version valid on the school year's census day (the oldest if none was yet)."""
    versions = standards()[kind]
    day = census_day(school_year)
    valid = [s for s in versions if s.valid_from <= day]
    return valid[-1] if valid else versions[0]
