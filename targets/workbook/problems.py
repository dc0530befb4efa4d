"""How an upload is refused: each problem names its sheet, row, column and rule; `Limits` bound what
one upload may make the server do."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str | None  # e.g. "H（分子）"
    message: str

    def __str__(self) -> str:
        where = [self.sheet]
        if self.row:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column %(column)s") % {"column": self.column})
        return f"{' · '.join(where)}: {self.message}"


class WorkbookError(Exception):
    """The upload is refused; `problems` lists the first problems (each naming sheet, row,
    column and rule), ending with "… and N more" when there were more than the limit."""

    def __init__(self, problems: list[Problem], *, total: int | None = None, status: int = 422):
        self.total = max(total or 0, len(problems))
        self.status = status
        self.problems = list(problems)
        if self.total > len(problems):
            more = self.total - len(problems)
            self.problems.append(
                Problem(
                    problems[-1].sheet if problems else _("file"),
                    None,
                    None,
                    _("… and %(more)s more problems, not listed") % {"more": f"{more:,}"},
                )
            )
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def too_large(cls, size: int) -> "WorkbookError":
        return cls([too_large(size, upload_limits())], status=413)


@dataclass(frozen=True)
class Limits:
    """How much one upload may make the server do, whatever the file holds.

    Defaults fit the largest real upload (the city admin's workbook of every district, a few
    thousand rows) many times over; `settings.ZIBO_UPLOAD_LIMITS` (a dict) overrides any of them.
    """

    upload_bytes: int = 10 * 2**20  # the file as sent
    uncompressed_bytes: int = 64 * 2**20  # an .xlsx's members, unpacked
    zip_members: int = 1_000  # an .xlsx made by Excel holds a dozen or two
    rows: int = 20_000  # rows with anything in them
    cells: int = 64  # cells in a CSV row (the template has 14)
    cell_chars: int = 2_000  # characters in one cell
    problems: int = 100  # problems listed; the rest are counted ("and 9,871 more")
    seconds: float = 15.0  # reading and checking, well inside a worker's 30 s timeout

    @property
    def line_chars(self) -> int:
        return self.cells * self.cell_chars


def upload_limits() -> Limits:
    return Limits(**getattr(settings, "ZIBO_UPLOAD_LIMITS", {}))


class Problems:
    """Problems in row order, the first `limit` kept and the rest counted."""

    def __init__(self, limit: int):
        self.limit = limit
        self.kept: list[Problem] = []
        self.total = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.kept) < self.limit:
            self.kept.append(problem)

    def error(self, *, status: int = 422, first: Problem | None = None) -> "WorkbookError":
        """The error to raise; `first`, why reading stopped, leads and is never cut."""
        kept = sorted(self.kept, key=lambda p: (p.row or 0, p.column or ""))
        if first is None:
            return WorkbookError(kept, total=self.total, status=status)
        return WorkbookError([first, *kept], total=self.total + 1, status=status)


class Stop(Exception):
    """Reading must stop here; the problem says where and why."""

    def __init__(self, problem: Problem, status: int = 422):
        self.problem = problem
        self.status = status


def too_large(size: int, limits: Limits) -> Problem:
    return Problem(
        _("file"),
        None,
        None,
        _("the file is %(size)s MB; at most %(max)s MB is accepted")
        % {"size": f"{size / 2**20:.1f}", "max": f"{limits.upload_bytes / 2**20:g}"},
    )
