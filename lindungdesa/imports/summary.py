from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # the row number the user sees in the file, header included
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class ImportSummary:
    batch: int | None = None
    total_rows: int = 0
    accepted: int = 0
    rejected: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    # Who the accepted rows create or change (`engine.row_person`), the first rows only: personal data, so
    # kept out of `as_dict` (which the command line prints).
    people: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "batch": self.batch,
            "total_rows": self.total_rows,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
        }


class ImportFailed(Exception):
    """The file as a whole cannot be imported (unreadable, required columns missing). Nothing was changed."""

    def __init__(self, message: str, *, headers: list[str] | None = None, missing: list[str] | None = None):
        super().__init__(message)
        self.headers = headers or []
        self.missing = missing or []


class RowRejected(Exception):
    """One row cannot be taken; carries every (field, message) found for it."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(m for _, m in problems))
        self.problems = problems
