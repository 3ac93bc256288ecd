"""The import mechanism (F23; the catalog's product import uses it too): a CSV file is read
and checked, previewed with every row's errors and line numbers, and applied only when the
user confirms, in one transaction. The file is kept in the database between the two steps
(any app server can finish it), and a file is applied once.

An import kind gives: its columns (required and optional), a row check that returns the
row's errors per column, and an apply step. Cells are text: a cell that starts like a
spreadsheet formula (= + - @ tab CR) or holds HTML is refused, so what is imported cannot
come back out as an attack (CSV injection, stored markup)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .base import BaseModel, DomainError, NotFound, utcnow
from .parties import Party, User

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


class ImportBatch(BaseModel):
    party = ForeignKeyField(Party, on_delete="CASCADE", backref="+")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    kind = CharField(max_length=32)
    filename = CharField(max_length=200)
    content = TextField()
    digest = CharField(max_length=64)
    rows = IntegerField(default=0)
    status = CharField(max_length=16, default="preview")
    result = TextField(default="{}")
    created_at = DateTimeField(default=utcnow)
    done_at = DateTimeField(null=True)

    class Meta:
        table_name = "import_batch"

    @property
    def result_data(self) -> dict:
        return json.loads(self.result or "{}")


@dataclass
class Row:
    line: int  # the line in the file (the header is line 1)
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    action: str = ""  # what applying it does: "create", "update", "unchanged"

    def error(self, column: str, message, **params) -> None:
        text = str(message)
        self.errors.append((column, text % params if params else text))

    def errors_in(self, column: str) -> bool:
        return any(name == column for name, _message in self.errors)


@dataclass(frozen=True)
class Spec:
    """An import kind's columns: `required` must be in the header, `optional` may be;
    `free` columns take any text (a formula start is fine there: a phone's +)."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    plus_allowed: tuple[str, ...] = ()  # columns where a leading + is a value (a phone)
    max_rows: int = MAX_ROWS
    max_bytes: int = MAX_BYTES

    @property
    def max_mb(self) -> int:
        return self.max_bytes // (1024 * 1024)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


def decode(data: bytes) -> str:
    """The file as text: UTF-8 (a BOM is dropped); anything else is refused with the way out."""
    if b"\x00" in data[:4096]:
        raise DomainError(_l("This is not a CSV text file. Upload a .csv file."), "file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            _l(
                "The file is not in UTF-8. In your spreadsheet, save it as “CSV UTF-8 (comma "
                "delimited)” and upload it again."
            ),
            "file",
        ) from None
    return text


def _dialect(text: str):
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get)
    return delimiter if counts[delimiter] else ","


def rows(text: str, spec: Spec):
    """The rows of a CSV text by the spec's columns, one at a time (header names are matched
    without case and surrounding spaces; unknown columns are ignored); a file that cannot be
    read raises DomainError on the field "file" (the header is checked before the first row
    comes out, so a file that is too long fails only when its rows are read)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text))
    try:
        header = next(reader)
    except StopIteration:
        raise DomainError(_l("The file is empty."), "file") from None
    except csv.Error:
        raise DomainError(_l("This file cannot be read as CSV."), "file") from None
    names = [h.strip().lower() for h in header]
    missing = [c for c in spec.required if c not in names]
    if missing:
        raise DomainError(
            _l("These columns are missing: %(columns)s. Download the template to see them all."),
            "file",
            columns=", ".join(missing),
        )
    index = [(c, names.index(c)) for c in spec.columns if c in names]
    count = 0
    try:
        for cells in reader:
            if not any(cells) or not any(cell.strip() for cell in cells):
                continue  # blank lines
            if count >= spec.max_rows:
                raise DomainError(
                    _l("The file has more than %(max)s rows; split it into smaller files."),
                    "file",
                    max=format_number(spec.max_rows),
                )
            count += 1
            row = Row(reader.line_num, {})
            width = len(cells)
            for column, i in index:
                value = cells[i].strip() if i < width else ""
                row.values[column] = value
                if value:
                    _check_cell(row, spec, column, value)
            yield row
    except csv.Error as error:
        raise DomainError(
            _l("Line %(line)s cannot be read as CSV (%(reason)s)."),
            "file",
            line=reader.line_num,
            reason=str(error),
        ) from None
    if not count:
        raise DomainError(_l("The file has a header but no rows."), "file")


def read(text: str, spec: Spec) -> list[Row]:
    """Every row of a CSV text (see rows())."""
    return list(rows(text, spec))


def amount(text: str) -> Decimal | None:
    """ "1234.50", "1234,50", "1.234,50" or "1,234.50" as a Decimal; None when empty."""
    text = text.replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise DomainError(_l("Write an amount like 1234.50.")) from None


def _check_cell(row: Row, spec: Spec, column: str, value: str) -> None:
    if not value:
        return
    if _CONTROL.search(value):
        row.error(column, _l("Remove the invisible control characters from this cell."))
    elif (
        value.startswith(_FORMULA)
        and not re.fullmatch(r"-?[0-9][0-9.,]*", value)  # a plain (negative) number is no formula
        and not (column in spec.plus_allowed and re.fullmatch(r"\+[0-9 ()./\-]+", value))
    ):
        row.error(column, _l("A cell cannot start with = + - or @ (a spreadsheet formula)."))
    elif _MARKUP.search(value):
        row.error(column, _l("Remove the HTML (< … >) from this cell."))


def stage(
    actor: User, party: Party, kind: str, filename: str, data: bytes, spec: Spec
) -> ImportBatch:
    """Keep an uploaded file for its preview: read (DomainError when it cannot be), stored."""
    if len(data) > spec.max_bytes:
        raise DomainError(too_large(spec), "file")
    name = (filename or "").strip()
    if not name.lower().endswith((".csv", ".txt")):
        raise DomainError(_l("Upload a .csv file (comma- or semicolon-separated text)."), "file")
    text = decode(data)
    count = sum(1 for _row in rows(text, spec))
    from .base import transaction

    with transaction():
        batch = ImportBatch.create(
            party=party,
            created_by=actor,
            kind=kind,
            filename=name[-200:],
            content=text,
            digest=hashlib.sha256(data).hexdigest(),
            rows=count,
        )
    return batch


def too_large(spec: Spec):
    return _l("The file is larger than %(mb)s MB; split it into smaller files.", mb=spec.max_mb)


@dataclass
class Preview:
    """What importing a file would do: the counts of each action among the rows without an
    error, the rows with errors (the first `LISTED_ERRORS` of them), and the first rows."""

    total: int = 0
    counts: dict = field(default_factory=dict)
    failing: list = field(default_factory=list)
    failing_count: int = 0
    first: list = field(default_factory=list)

    SHOWN_ROWS = 200
    LISTED_ERRORS = 1000

    def add(self, row: Row) -> None:
        self.total += 1
        if len(self.first) < self.SHOWN_ROWS:
            self.first.append(row)
        if row.errors:
            self.failing_count += 1
            if len(self.failing) < self.LISTED_ERRORS:
                self.failing.append(row)
        else:
            self.counts[row.action] = self.counts.get(row.action, 0) + 1

    @classmethod
    def of(cls, checked) -> Preview:
        preview = cls()
        for row in checked:
            preview.add(row)
        return preview


def refuse_failing(count: int) -> None:
    """An import with rows in error writes nothing (the caller's transaction rolls back)."""
    if count:
        raise DomainError(
            _l(
                "%(count)s rows have errors: nothing was imported. Fix them and upload the file again."
            ),
            count=count,
        )


def finish(actor: User, party: Party, batch: ImportBatch, area: str, prefix: str, result: dict):
    """Mark the batch imported (a file is applied once) and write the one audit entry with the
    counts, inside the import's transaction."""
    from . import audit

    batch.status, batch.done_at, batch.result = "done", utcnow(), json.dumps(result)
    batch.save()
    audit.record(
        actor,
        party,
        area,
        "import",
        batch.filename,
        [{"field": f"{prefix}.{key}", "old": None, "new": value} for key, value in result.items()],
    )
    return result


def batch_of(party: Party, kind: str, batch_id) -> ImportBatch:
    try:
        number = int(batch_id)
    except (TypeError, ValueError):
        number = 0
    found = ImportBatch.get_or_none(
        ImportBatch.id == number, ImportBatch.party == party, ImportBatch.kind == kind
    )
    if found is None:
        raise NotFound(_l("This import does not exist."))
    return found
