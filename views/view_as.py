"""View as client (F47): the supplier's supervisors and admins open the catalog exactly as one
client's buyers see it -- its prices, own codes, net or gross, announcement, order conditions --
read-only, under a banner naming the client with a one-click way out. Every opening is audited
(who, which client, when); searching and paging inside it is not counted again."""

from __future__ import annotations

from flask import Blueprint, abort, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models import audit
from models.base import NotFound, retrying, transaction
from models.buyer_catalog import client_catalog_link
from models.relationships import may_order

from .access import member
from .htmx import page_or_block
from .suppliers import catalog_state

bp = Blueprint("view_as", __name__, url_prefix="/p/<int:party_id>/clients")

audit.ACTION_LABELS["view_as"] = _l("viewed as the client")


@retrying
def _record_view(actor, supplier, relationship) -> None:
    with transaction():
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
    if not isinstance(state, dict):
        return state  # the rows alone: searching inside the view is not audited again
    _record_view(current_user._get_current_object(), g.party, relationship)
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
