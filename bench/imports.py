"""Time a 100,000-row product import and a 1,000,000-row customer-code import through the verbs
(upload, preview, import, and the same file again), on a fresh database: SQLite in a temporary
directory, or the (empty) PostgreSQL database of DATABASE_URL. N and M set the row counts.

Run: .venv/bin/python bench/imports.py"""

from __future__ import annotations

import csv
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def timed(label: str, work):
    start = time.perf_counter()
    result = work()
    print(f"{label:<28} {time.perf_counter() - start:6.1f} s")
    return result


def csv_of(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def main() -> None:
    from app import create_app

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/imports.db"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})
    from models import code_import, product_import
    from models.base import db
    from models.imports import stage
    from models.migrations import upgrade
    from models.relationships import CustomerCategory
    from tests import factories

    n, m = int(os.environ.get("N", "100000")), int(os.environ.get("M", "1000000"))
    with app.test_request_context():
        upgrade(db)
        party = factories.make_party(language="nl", currency="EUR", country="NL")
        admin = factories.make_member(party, "admin")
        header = ("sku", "list_price", "name_nl", "name_en", "description_nl", "unit", "vat_class")
        data = csv_of(
            header,
            (
                (f"SKU-{i:06d}", f"{i % 900 + 1}.{i % 100:02d}", f"Product {i}", f"Product {i} en")
                + ("Een korte beschrijving van het product.", "piece", "standard")
                for i in range(n)
            ),
        )
        print(f"products: {n:,} rows, {len(data) / 1e6:.1f} MB")
        spec = product_import.SPEC
        batch = timed("upload", lambda: stage(admin, party, "products", "p.csv", data, spec))
        timed("preview", lambda: product_import.preview(party, batch))
        print(timed("import", lambda: product_import.apply(admin, party, batch.id)))
        again = stage(admin, party, "products", "p.csv", data, spec)
        print(timed("import again", lambda: product_import.apply(admin, party, again.id)))

        categories = [
            CustomerCategory.create(supplier=party, name=f"Category {c}", code=f"C{c}")
            for c in range(max(1, -(-m // n)))
        ]
        rows = (
            (c.code, f"SKU-{i:06d}", f"OWN-{i:07d}", f"Eigen omschrijving {i}")
            for c in categories
            for i in range(n)
        )
        header = ("category_code", "sku", "own_code", "own_description")
        data = csv_of(header, (row for _, row in zip(range(m), rows, strict=False)))
        print(f"codes: {m:,} rows, {len(data) / 1e6:.1f} MB")
        spec = code_import.SPEC
        batch = timed("upload", lambda: stage(admin, party, "codes", "c.csv", data, spec))
        timed("preview", lambda: code_import.preview(party, batch))
        print(timed("import", lambda: code_import.apply(admin, party, batch.id)))
        again = stage(admin, party, "codes", "c.csv", data, spec)
        print(timed("import again", lambda: code_import.apply(admin, party, again.id)))
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
