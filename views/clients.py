"""The supplier's client book (F12-F17): the list of clients and a client's page with the
terms that apply and where each comes from. (Adding clients, editing terms, groups,
categories, messages and the import come with the rest of issue 8.)"""

from __future__ import annotations

from flask import Blueprint, abort, g, request

from models.addresses import addresses_of
from models.base import NotFound
from models.client_lists import PER_PAGE, client_counts, client_page
from models.relationships import (
    DELINQUENCY,
    DELINQUENCY_LABELS,
    PAYMENT_METHOD_LABELS,
    CustomerCategory,
    CustomerGroup,
    client_of,
    effective_terms,
    may_order,
)
from models.schedules import DeliverySchedule

from .access import member
from .htmx import page_or_block

bp = Blueprint("clients", __name__, url_prefix="/p/<int:party_id>/clients")

REGIONS = {"client-rows": "client_rows"}


def _filters() -> dict:
    """The list's search and filters from the query string (anything unknown is ignored)."""
    delinquency = request.args.get("delinquency") or None
    active = {"yes": True, "no": False}.get(request.args.get("active", ""))
    return {
        "q": (request.args.get("q") or "").strip()[:100] or None,
        "delinquency": delinquency if delinquency in DELINQUENCY else None,
        "active": active,
    }


@bp.route("/")
@member("employee")
def index(party_id):
    """The clients: search as you type (name, client code, email, VAT number, tag), filter by
    delinquency and activity, paged; the URL carries the query."""
    filters = _filters()
    clients = client_page(
        g.party,
        search=filters["q"] or "",
        delinquency=filters["delinquency"],
        active=filters["active"],
        page=request.args.get("page"),
    )
    args = {
        "q": filters["q"],
        "delinquency": filters["delinquency"],
        "active": {True: "yes", False: "no"}.get(filters["active"]),
    }
    return page_or_block(
        "clients/index.html",
        "client_rows",
        regions=REGIONS,
        clients=clients,
        counts=client_counts(g.party),
        filters=filters,
        list_args=args,
        per_page=PER_PAGE,
        delinquency_labels=DELINQUENCY_LABELS,
    )


@bp.route("/<int:relationship_id>/")
@member("employee")
def show(party_id, relationship_id):
    """A client: who it is (once connected), the warnings for staff, and every term with
    where its value comes from."""
    try:
        relationship = client_of(g.party, relationship_id)
    except NotFound:
        abort(404)
    visible = relationship.is_connected or relationship.created_on_spot
    customer = relationship.customer if visible else None
    terms = effective_terms(relationship, g.party)
    schedule = group = category = None
    if terms.schedule_id.value:
        schedule = DeliverySchedule.get_or_none(
            DeliverySchedule.id == terms.schedule_id.value, DeliverySchedule.party == g.party
        )
    if terms.group_id.value:
        group = CustomerGroup.get_or_none(
            CustomerGroup.id == terms.group_id.value, CustomerGroup.supplier == g.party
        )
    if terms.category_id.value:
        category = CustomerCategory.get_or_none(
            CustomerCategory.id == terms.category_id.value, CustomerCategory.supplier == g.party
        )
    return page_or_block(
        "clients/show.html",
        None,
        relationship=relationship,
        customer=customer,
        addresses=addresses_of(customer) if customer else {},
        terms=terms,
        schedule=schedule,
        group=group,
        category=category,
        refusal=may_order(relationship),
        payment_methods=PAYMENT_METHOD_LABELS,
    )
