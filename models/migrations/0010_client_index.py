"""The client list at 10,000 clients and more (issue 8): each relationship keeps the name the
supplier sees, lower-cased, to sort by along an index, and the text its search looks in
(visible name, legal name, email, VAT number, client code, tags, what was typed)."""

from peewee import CharField, TextField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("relationship", "sort_name", CharField(max_length=200, default="")),
        migrator.add_column("relationship", "search_text", TextField(default="")),
    )
    rows = db.execute_sql(
        "SELECT r.id, r.status, r.created_on_spot, r.requested_as, r.client_code, r.tags, "
        "p.display_name, p.legal_name, p.email, p.vat_number "
        "FROM relationship r JOIN party p ON p.id = r.customer_id"
    ).fetchall()
    for rid, status, on_spot, typed, code, tags, name, legal, email, vat in rows:
        visible = status == "connected" or bool(on_spot)
        shown = name if visible else typed
        words = [shown, typed, code or "", tags or ""]
        if visible:
            words += [legal, email, vat]
        db.execute_sql(
            "UPDATE relationship SET sort_name = %s, search_text = %s WHERE id = %s".replace(
                "%s", db.param
            ),
            ((shown or "").casefold()[:200], " ".join(w for w in words if w).casefold(), rid),
        )
    db.execute_sql(
        "CREATE INDEX relationship_supplier_sort ON relationship (supplier_id, sort_name, id)"
    )
    # the search looks in this index alone (not in the rows of 30 columns)
    db.execute_sql(
        "CREATE INDEX relationship_supplier_search ON relationship "
        "(supplier_id, status, search_text)"
    )
    # the list's counts (by status and delinquency) read this index alone
    db.execute_sql(
        "CREATE INDEX relationship_supplier_status ON relationship "
        "(supplier_id, status, delinquency, active)"
    )
