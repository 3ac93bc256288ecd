"""A catalog sorted in its reader's language (issue 9, F24): each product keeps a sort key per
language (its name in that language, else in the supplier's), and one listing index per
language."""

from models.identifiers import fold

LANGUAGES = ("en", "nl", "de", "fr", "es")  # models/catalog.LANGUAGES when this was written


def up(migrator, db):
    # plain ALTER TABLE: peewee's SQLite migrator would rebuild the table to make a column
    # NOT NULL, and with it drop the triggers that keep the search index (0013)
    for code in LANGUAGES:
        db.execute_sql(
            f"ALTER TABLE product ADD COLUMN sort_{code} VARCHAR(200) NOT NULL DEFAULT ''"
        )
    names: dict[int, dict[str, str]] = {}
    for product_id, language, name in db.execute_sql(
        "SELECT product_id, language, name FROM product_text"
    ):
        names.setdefault(product_id, {})[language] = name
    columns = ", ".join(f"sort_{code} = %s" for code in LANGUAGES)
    update = f"UPDATE product SET {columns} WHERE id = %s".replace("%s", db.param)  # noqa: S608
    rows = db.execute_sql("SELECT id, sort_name FROM product").fetchall()
    for product_id, sort_name in rows:
        own = names.get(product_id, {})
        keys = [fold(own.get(code) or sort_name)[:200] for code in LANGUAGES]
        db.execute_sql(update, (*keys, product_id))
    # in the order a page is read (ties by id): the supplier's list (active or not) and a
    # client's catalog (active ones, nearly all) both read a page along it
    for code in LANGUAGES:
        db.execute_sql(
            f"CREATE INDEX product_listing_{code} ON product (supplier_id, sort_{code}, id)"
        )
