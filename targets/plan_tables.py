"""Reading a plan's 主要指标 table, as a .docx table or as text where the table was flattened.

Most 十四五 and 十五五 plans state their targets in a table of main indicators:

    指标 | 2020年基期 | 2025年目标 | 属性
    学前教育毛入园率（%） | 91.2 | ≥95 | 预期性

A flattened table comes in one of two shapes: a row per line, its cells separated by tabs, ｜ or
two spaces or more (.docx tables are read into this shape), or a cell per line (text copied from
a PDF). The header is recognised by its cells (序号, 类别, 指标, 单位, 2020年…, 2025年…, 属性);
the baseline column is the earlier year (or the one named 基期/现状), the target column the later
one (or 目标). A table ends at a line that is not a row: a heading, a sentence, a 注.
"""

import re
from dataclasses import dataclass, field

_HEADER_CELL = re.compile(
    r"^(?:序号|类别|领域|指标(?:名称)?|主要指标|单位|(\d{4})年?.{0,4}|(?:指标)?属性)$"
)
_CELLS = re.compile(r"\t+|\s*[｜|]\s*|\s{2,}")
CAPTION = re.compile(r"^(?:表|专栏)\s*\d*[\s:：]*\S.{0,50}指标[^。]*$")
# A line that cannot be a cell: a heading, a sentence, a note under the table.
_NOT_A_CELL = re.compile(r"。|^注|^[一二三四五六七八九十]+、|^[(（][一二三四五六七八九十]+[)）]")
_MAX_CELL = 40
SEPARATOR = "｜"


@dataclass
class Row:
    """One indicator: its cells by role, and the line the draft quotes."""

    name: str
    unit: str
    baseline: str
    target: str
    attribute: str
    line: str
    group: str = ""  # the 类别 / 领域 cell, where the table has one


@dataclass
class Table:
    columns: list[str]
    caption: str = ""
    cell_per_line: bool = False
    rows: list[Row] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # cells of a row not yet complete
    notes: list[str] = field(default_factory=list)

    @property
    def baseline_year(self) -> int | None:
        return _year(self.columns[self._column("baseline")]) if self._has("baseline") else None

    @property
    def target_year(self) -> int | None:
        return _year(self.columns[self._column("target")]) if self._has("target") else None

    def header_line(self) -> str:
        return SEPARATOR.join(self.columns)

    def lines(self) -> list[str]:
        """The table as the task's text: the header, then a line per row."""
        return [self.header_line(), *(row.line for row in self.rows)]

    def take(self, paragraph: str) -> bool:
        """Adds the paragraph to the table if it belongs there; False ends the table."""
        if self.cell_per_line:
            if _NOT_A_CELL.search(paragraph) or len(paragraph) > _MAX_CELL:
                self._close()
                return False
            self.pending.append(paragraph)
            if len(self.pending) == len(self.columns):
                self._add(self.pending)
                self.pending = []
            return True
        cells = split_cells(paragraph)
        if len(cells) == len(self.columns) - 1 and self._grouped() and self.rows:
            cells = [self.rows[-1].group, *cells]  # the 类别 cell spans rows: left empty here
        if len(cells) != len(self.columns) or _NOT_A_CELL.search(paragraph):
            return False
        self._add(cells)
        return True

    def _close(self) -> None:
        if self.pending:
            self.notes.append(
                f"table row {' '.join(self.pending)!r} has {len(self.pending)} of "
                f"{len(self.columns)} cells: left out, check"
            )
            self.pending = []

    def _add(self, cells: list[str]) -> None:
        def cell(role: str) -> str:
            return cells[self._column(role)] if self._has(role) else ""

        name, unit = _name_and_unit(cell("name"))
        self.rows.append(
            Row(
                name=name,
                unit=cell("unit").strip("—–-/ ") or unit,
                baseline=cell("baseline"),
                target=cell("target"),
                attribute=cell("attribute"),
                line=SEPARATOR.join(cells),
                group=cells[0] if self._grouped() else "",
            )
        )

    def _grouped(self) -> bool:
        return self.columns[0] in ("类别", "领域")

    def _roles(self) -> dict[str, int]:
        """Which column is which: the name (指标), unit (单位), attribute (属性), and of the
        year columns the target (目标, or the last) and the baseline (基期, or the one before)."""
        roles: dict[str, int] = {}
        for i, column in enumerate(self.columns):
            role = next((r for r, pattern in _ROLE_WORDS if re.fullmatch(pattern, column)), None)
            if role and not _year(column):
                roles.setdefault(role, i)
        years = [i for i, c in enumerate(self.columns) if _year(c)]
        if years:
            roles["target"] = _named(self.columns, years, "目标|规划|预期", years[-1])
            earlier = [i for i in years if i != roles["target"]]
            if earlier:
                roles["baseline"] = _named(
                    self.columns, earlier, "基期|现状|基数|基准", earlier[-1]
                )
        return roles

    def _has(self, role: str) -> bool:
        return role in self._roles()

    def _column(self, role: str) -> int:
        return self._roles()[role]


_ROLE_WORDS = (("attribute", r".*属性"), ("unit", "单位"), ("name", r".*指标.*"))


def _named(columns: list[str], among: list[int], words: str, default: int) -> int:
    return next((i for i in among if re.search(words, columns[i])), default)


def split_cells(line: str) -> list[str]:
    return [cell for cell in _CELLS.split(line.strip()) if cell]


def table_header(paragraph: str) -> Table | None:
    """A table whose header is this row line (指标｜2020年基期｜2025年目标｜属性), or whose
    first header cell is this line (指标, then a cell per line); None if it is neither."""
    cells = split_cells(paragraph)
    if len(cells) >= 3 and _is_header(cells):
        return Table(columns=cells)
    if len(cells) == 1 and re.fullmatch(r"序号|指标(?:名称)?|主要指标", paragraph):
        return Table(columns=[paragraph], cell_per_line=True)
    return None


def extend_header(table: Table, paragraph: str) -> bool:
    """In a cell-per-line table, the header cells that follow the first one."""
    if _HEADER_CELL.match(paragraph) and not table.rows and not table.pending:
        if not (_year(paragraph) or re.fullmatch(r"(?:指标)?属性|单位|指标(?:名称)?", paragraph)):
            return False
        table.columns.append(paragraph)
        return True
    return False


def complete(table: Table) -> bool:
    """A header good enough to read: a name column and a target year."""
    roles = table._roles()
    return "name" in roles and "target" in roles


def _is_header(cells: list[str]) -> bool:
    return all(_HEADER_CELL.match(cell) for cell in cells) and any(_year(c) for c in cells)


def _year(cell: str) -> int | None:
    match = re.match(r"(\d{4})年?", cell)
    return int(match.group(1)) if match and 1990 < int(match.group(1)) < 2100 else None


def _name_and_unit(cell: str) -> tuple[str, str]:
    """ "学前教育毛入园率（%）" -> ("学前教育毛入园率", "%")."""
    match = re.match(r"^(.+?)\s*[(（]([^()（）]{1,6})[)）]$", cell)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    return cell.strip(), ""
