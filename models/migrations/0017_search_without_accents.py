"""Searches and sorts without accents (issue 9): "cafe" finds "Café", "Éclair" files under E.
The texts searches look in are folded (models/identifiers.fold) instead of only lower-cased,
and each customer code keeps its code and description folded (category_code.search_key), which
a buyer's typing is checked against and product.code_text is made of."""

from models.identifiers import fold
from models.migrations.trigram import sqlite_optimize


def _fold_column(db, table: str, column: str) -> None:
    # table and column names come from this file, never from input
    sql = f'UPDATE "{table}" SET "{column}" = %s WHERE id = %s'  # noqa: S608
    update = sql.replace("%s", db.param)  # noqa: S608
    rows = db.execute_sql(f'SELECT id, "{column}" FROM "{table}"').fetchall()  # noqa: S608
    changed = [(fold(text), row_id) for row_id, text in rows if text and fold(text) != text]
    for start in range(0, len(changed), 1000):
        db.cursor().executemany(update, changed[start : start + 1000])


def up(migrator, db):
    db.execute_sql(
        "ALTER TABLE category_code ADD COLUMN search_key VARCHAR(262) NOT NULL DEFAULT ''"
    )
    update = "UPDATE category_code SET search_key = %s WHERE id = %s".replace("%s", db.param)
    texts: dict[int, list[str]] = {}
    keys = []
    for row_id, product_id, code, description in db.execute_sql(
        "SELECT id, product_id, code, description FROM category_code"
    ):
        key = fold(f"{code} {description or ''}".strip())
        keys.append((key, row_id))
        texts.setdefault(product_id, []).append(key)
    cursor = db.cursor()
    for start in range(0, len(keys), 1000):
        cursor.executemany(update, keys[start : start + 1000])
    update = "UPDATE product SET code_text = %s WHERE id = %s".replace("%s", db.param)
    rows = [(" ".join(words), product_id) for product_id, words in texts.items()]
    for start in range(0, len(rows), 1000):
        cursor.executemany(update, rows[start : start + 1000])
    for table, column in (
        ("product", "search_text"),
        ("product", "sort_en"),
        ("product", "sort_nl"),
        ("product", "sort_de"),
        ("product", "sort_fr"),
        ("product", "sort_es"),
        ("relationship", "search_text"),
        ("relationship", "sort_name"),
    ):
        _fold_column(db, table, column)
    for table in ("product", "relationship"):
        sqlite_optimize(db, table)
