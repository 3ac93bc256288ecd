"""The audit log of a party, for its admins (F43)."""

from flask import Blueprint, g, request

from models.audit import AREA_LABELS, actors_of, entries_for
from models.base import Page
from models.delivery_dates import zone_of_country

from .access import member
from .audit_values import audit_value, entry_time, zone_label
from .htmx import block_for, page_or_block

bp = Blueprint("audit", __name__, url_prefix="/p/<int:party_id>/audit")
bp.add_app_template_filter(audit_value, "audit_value")
bp.add_app_template_filter(entry_time, "entry_time")

PER_PAGE = 25


def _int_arg(name: str, default: int | None = None, highest: int = 10**9) -> int | None:
    """A positive whole number from the query string, else default (never an error)."""
    try:
        value = int(request.args.get(name, ""))
    except ValueError:
        return default
    return value if 1 <= value <= highest else default


@bp.route("/")
@member("admin")
def index(party_id):
    """Who changed what and when in this company, newest first; filter by area and person."""
    area = request.args.get("area") or None
    if area not in AREA_LABELS:
        area = None
    actor_id = _int_arg("actor", highest=2**63 - 1)
    page = _int_arg("page", 1, highest=10**6)
    entries, total = entries_for(
        g.party, area=area, actor_id=actor_id, page=page, per_page=PER_PAGE
    )
    zone = zone_of_country(g.party.country)  # the party's local time, as on the schedule page
    return page_or_block(
        "audit/index.html",
        "audit_rows",
        entries=Page(entries, page, PER_PAGE, total),
        total=total,
        area=area,
        actor_id=actor_id,
        areas=AREA_LABELS,
        # the people to filter by are in the filter form, not in the rows an htmx swap gets
        actors=actors_of(g.party) if block_for("audit_rows") is None else [],
        zone=zone,
        zone_label=zone_label(zone),
    )
