"""Importing clients from CSV (F23, admins): upload, a preview of every row with its errors
and line numbers, and the import itself only when confirmed; a template to download. Plain
forms and full pages: they work without JavaScript as they are."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, g, request, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from models import client_import
from models.base import DomainError, NotFound
from models.imports import MAX_BYTES, MAX_ROWS, batch_of, stage

from .access import member
from .htmx import page_or_block, redirect_to

bp = Blueprint("client_import", __name__, url_prefix="/p/<int:party_id>/clients/import")

SHOWN_ROWS = 200  # rows listed in full in a preview (every row with an error is listed)


def _upload_page(status=200, error=None):
    return page_or_block(
        "clients/import.html",
        None,
        status,
        error=error,
        columns=client_import.SPEC,
        max_rows=MAX_ROWS,
        max_mb=MAX_BYTES // (1024 * 1024),
    )


@bp.route("/")
@member("admin")
def new(party_id):
    """Upload a CSV file of clients."""
    return _upload_page()


@bp.route("/template.csv")
@member("admin")
def template(party_id):
    """The columns with one example row (UTF-8 with a BOM, as spreadsheets like it)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=client_import.SPEC.columns)
    writer.writeheader()
    writer.writerows(client_import.TEMPLATE_ROWS)
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="clients-template.csv"'
    return response


@bp.route("/", methods=["POST"])
@member("admin")
def upload(party_id):
    """Keep the uploaded file and show its preview (nothing is imported yet)."""
    try:  # the request may be up to 5 MB here (app.UPLOAD_LIMITS)
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        return _upload_page(413, _("The file is larger than 5 MB; split it into smaller files."))
    if not upload or not upload.filename:
        return _upload_page(422, _("Choose a CSV file to upload."))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return _upload_page(413, _("The file is larger than 5 MB; split it into smaller files."))
    try:
        batch, _rows = stage(
            current_user._get_current_object(),
            g.party,
            client_import.KIND,
            upload.filename,
            data,
            client_import.SPEC,
        )
    except DomainError as refusal:
        return _upload_page(422, str(refusal))
    return redirect_to(url_for("client_import.show", party_id=g.party.id, batch_id=batch.id))


def _batch_or_404(batch_id):
    try:
        return batch_of(g.party, client_import.KIND, batch_id)
    except NotFound:
        abort(404)


def _preview(batch, status=200, error=None):
    rows = []
    if batch.status == "preview":
        try:
            rows = client_import.preview(g.party, batch)
        except DomainError as refusal:  # a kept file that no longer reads (cannot happen
            error = error or str(refusal)  # for a file stage() accepted; said, not a 500)
    failing = [row for row in rows if row.errors]
    counts = {
        key: sum(1 for r in rows if r.action == key and not r.errors)
        for key in ("create", "update", "unchanged")
    }
    return page_or_block(
        "clients/import_preview.html",
        None,
        status,
        batch=batch,
        rows=rows[:SHOWN_ROWS],
        failing=failing,
        counts=counts,
        total=len(rows),
        shown=min(len(rows), SHOWN_ROWS),
        error=error,
        format_number=format_number,
    )


@bp.route("/<int:batch_id>")
@member("admin")
def show(party_id, batch_id):
    """The preview: every row with an error (line and column), what the others would do."""
    return _preview(_batch_or_404(batch_id))


@bp.route("/<int:batch_id>", methods=["POST"])
@member("admin")
def confirm(party_id, batch_id):
    """Import the previewed file, in one transaction (or nothing, when a row has an error)."""
    batch = _batch_or_404(batch_id)
    try:
        result = client_import.apply(current_user._get_current_object(), g.party, batch.id)
    except DomainError as refusal:
        return _preview(_batch_or_404(batch_id), 409, str(refusal))
    flash(
        _(
            "Import done: %(created)s clients created, %(updated)s updated, %(unchanged)s rows without changes.",
            created=format_number(result["created"]),
            updated=format_number(result["updated"]),
            unchanged=format_number(result["unchanged"]),
        )
    )
    return redirect_to(url_for("clients.index", party_id=g.party.id))
