"""The product searches and the catalog's visibility at scale (issue 9).

Trigram indexes (models/migrations/trigram.py says how, on each database) for the products'
search_text (SKU and every name) and code_text (every own code and description the customer
categories give the product, F20, which a buyer's search also looks in). On SQLite one index
over both columns finds the candidates, and the search checks each against what this reader may
match (its own category's codes only); a code's index of its own would hold a million rows that
share their words across categories, and read them all for every search.

`product.restricted`: true when the product sits only in sections limited to customer groups,
so that a catalog tests the sections of those products only (models/sections.py keeps it);
filled here from the sections as they are."""

from peewee import BooleanField, SqliteDatabase, TextField

from models.migrations.trigram import postgres_extension, postgres_index, sqlite_index


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("product", "restricted", BooleanField(default=False)),
        migrator.add_column("product", "code_text", TextField(default="")),
    )
    # no input in this SQL: the aggregate's name is one of the two here
    together = "group_concat" if isinstance(db, SqliteDatabase) else "string_agg"
    fill = (
        f"UPDATE product SET code_text = COALESCE((SELECT {together}(c.code_key || ' ' || "  # noqa: S608
        "lower(c.description), ' ') FROM category_code c WHERE c.product_id = product.id), '')"
    )
    db.execute_sql(fill)
    # a section everyone sees: no group limit on it or on any section above it
    db.execute_sql(
        "WITH RECURSIVE open_section(id) AS ("
        " SELECT s.id FROM catalog_section s WHERE s.parent_id IS NULL AND NOT EXISTS"
        " (SELECT 1 FROM catalog_section_group g WHERE g.section_id = s.id)"
        " UNION SELECT s.id FROM catalog_section s JOIN open_section o ON s.parent_id = o.id"
        " WHERE NOT EXISTS (SELECT 1 FROM catalog_section_group g WHERE g.section_id = s.id))"
        " UPDATE product SET restricted = TRUE"
        " WHERE EXISTS (SELECT 1 FROM product_section ps WHERE ps.product_id = product.id)"
        " AND NOT EXISTS (SELECT 1 FROM product_section ps JOIN open_section o"
        " ON o.id = ps.section_id WHERE ps.product_id = product.id)"
    )
    # a catalog's page and its (capped) count read the restricted flag from the index; the
    # supplier's list of all its products (active or not) walks an index in name order
    db.execute_sql("DROP INDEX product_supplier_id_active_sort_name")
    db.execute_sql(
        "CREATE INDEX product_listing ON product (supplier_id, active, sort_name, restricted)"
    )
    db.execute_sql("CREATE INDEX product_supplier_id_sort_name ON product (supplier_id, sort_name)")
    if isinstance(db, SqliteDatabase):
        sqlite_index(db, "product", ("search_text", "code_text"))
    elif postgres_extension(db):
        postgres_index(db, "product_search_trigram", "product", "search_text")
        postgres_index(db, "product_code_trigram", "product", "code_text")
