"""View as client (F47): the supplier's supervisors and admins open the catalog exactly as one
client's buyers see it -- its prices, own codes, net or gross, announcement, order conditions --
read-only, under a banner naming the client with a one-click way out. Every opening is audited
(who, which client, when); a search or page inside it is recorded too, unless the same person
opened it for that client in the last ten minutes."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models import audit
from models.audit import AuditEntry
from models.base import NotFound, retrying, transaction, utcnow
from models.buyer_catalog import client_catalog_link
from models.relationships import may_order

from .access import member
from .htmx import page_or_block
from .suppliers import catalog_state

bp = Blueprint("view_as", __name__, url_prefix="/p/<int:party_id>/clients")

audit.ACTION_LABELS["view_as"] = _l("viewed as the client")


RECENT = dt.timedelta(minutes=10)


@retrying
def _record_view(actor, supplier, relationship, page: bool) -> None:
    """Audit an opening of the view; a search or page of rows inside it counts only when the
    same person has no entry for this client in the last ten minutes (an htmx request cannot
    read the catalog unrecorded, and typing a search does not write an entry per key)."""
    with transaction(lock=supplier):
        if not page:
            recent = AuditEntry.select().where(
                AuditEntry.party == supplier,
                AuditEntry.actor == actor,
                AuditEntry.action == "view_as",
                AuditEntry.record_id == relationship.id,
                AuditEntry.at >= utcnow() - RECENT,
            )
            if recent.exists():
                return
        audit.record(
            actor,
            supplier,
            "client",
            "view_as",
            relationship.customer.display_name,
            record_id=relationship.id,
        )


@bp.route("/<int:relationship_id>/view-as")
@member("supervisor")
def catalog(party_id, relationship_id):
    """The catalog as this client's buyers see it, read-only, with a banner to leave."""
    try:
        relationship = client_catalog_link(g.party, relationship_id)
    except NotFound:
        abort(404)
    state = catalog_state(relationship, "view_as.catalog")
    page = isinstance(state, dict)
    _record_view(current_user._get_current_object(), g.party, relationship, page)
    if not page:
        return state  # the rows alone, for a search or a page link
    return page_or_block(
        "clients/view_as.html",
        None,
        relationship=relationship,
        customer=relationship.customer,
        supplier=relationship.supplier,
        group=state["catalog"].group,
        refusal=may_order(relationship),
        **state,
    )
