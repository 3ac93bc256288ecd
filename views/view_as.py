"""View as client (F47): the supplier's supervisors and admins open the catalog exactly as one
client's buyers see it -- its prices, own codes, net or gross, announcement, order conditions --
read-only, under a banner naming the client with a one-click way out. Every opening is audited
(who, which client, when); searching and paging inside it is not counted again."""

from __future__ import annotations

from flask import Blueprint, abort, g, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models import audit
from models.base import NotFound, retrying, transaction
from models.buyer_catalog import catalog_for, client_catalog_link
from models.catalog_terms import conditions_for
from models.pricing import order_conditions
from models.relationships import may_order

from .access import member
from .htmx import block_for, page_or_block

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
    search = (request.args.get("q") or "").strip()[:100]
    customer = relationship.customer
    language = customer.language or "en"  # the client's language, as its buyers mostly read
    locale = get_locale()
    shown = catalog_for(
        relationship,
        locale.language if locale else language,
        search=search,
        page=request.args.get("page", 1),
    )
    place = {
        "catalog_endpoint": "view_as.catalog",
        "catalog_args": {"party_id": g.party.id, "relationship_id": relationship.id},
    }
    if block_for(None, {"catalog-rows": "catalog_rows"}):
        return page_or_block(
            "suppliers/_catalog.html",
            "catalog_rows",
            catalog=shown,
            search=search,
            relationship=relationship,
            **place,
        )
    _record_view(current_user._get_current_object(), g.party, relationship)
    conditions = conditions_for(shown.supplier, relationship, shown.group)
    return page_or_block(
        "clients/view_as.html",
        None,
        relationship=relationship,
        customer=customer,
        supplier=shown.supplier,
        group=shown.group,
        refusal=may_order(relationship),
        catalog=shown,
        search=search,
        conditions=conditions,
        free_from=order_conditions(0, conditions).free_delivery_from,
        **place,
    )
