"""Importing clients from CSV (F23, admins), on the one import flow (views/imports.py)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import client_import

from .imports import ImportKind, import_blueprint

KIND = ImportKind(
    name="client_import",
    url_prefix="/p/<int:party_id>/clients/import",
    model=client_import,
    role="admin",
    title=_l("Import clients"),
    intro=_l(
        "Upload a CSV file with one client per row. You see every row and its errors first; "
        "nothing is imported until you confirm. A row whose client code you already use updates "
        "that client's terms; the same file imported twice changes nothing the second time."
    ),
    hint=_l(
        "Amounts like 1234.50; group and category by their code; payment_method one of "
        "on_delivery, on_account, online; delinquency one of none, debtor, delinquent, "
        "do_not_sell. The address is the client's delivery and invoice address."
    ),
    back_endpoint="clients.index",
    back_label=_l("All clients"),
    shown=(
        ("client_code", _l("Client code")),
        ("name", _l("Name")),
        ("city", _l("City")),
    ),
    actions={
        "create": _l("New client"),
        "update": _l("Terms change"),
        "unchanged": _l("No change"),
    },
    summary=lambda c: _(
        "%(create)s new clients, %(update)s with changed terms, %(unchanged)s without changes.",
        **c,
    ),
    done=lambda r: _(
        "Import done: %(created)s clients created, %(updated)s updated, %(unchanged)s rows without changes.",
        **r,
    ),
    template_file="clients-template.csv",
)

bp = import_blueprint(KIND)
