"""Delivery schedules: working days, time frames, closed dates, cut-off, lead time, preview."""

from flask import Blueprint

from .access import member
from .htmx import page_or_block

bp = Blueprint("schedules", __name__, url_prefix="/p/<int:party_id>/schedules")


@bp.route("/")
@member("employee")
def index(party_id):
    """Delivery schedules (placeholder until built)."""
    return page_or_block("parties/home.html", None, members=[])
