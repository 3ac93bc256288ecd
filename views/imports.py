"""The one import flow (F23 clients, F24 products, F20 own product codes): upload a CSV file,
see a preview of every row with its errors and line numbers, import only when confirmed (one
transaction), and download a template. An import kind (models/client_import.py and its peers)
gives the columns, the check and the apply step; `import_blueprint` gives each kind the same
routes, pages and messages. Plain forms and full pages: they work without JavaScript."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, abort, flash, g, request, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from models.base import DomainError, NotFound
from models.imports import Preview, batch_of, stage, too_large

from .access import member
from .htmx import page_or_block, redirect_to


@dataclass(frozen=True)
class ImportKind:
    """How one kind of import looks. Labels are lazy strings; `summary(counts)` and
    `done(result)` write the counts in words; `shown` are the (column, label) pairs of the
    preview's row table (or a function of the party giving them), the first being the column
    rows are matched by."""

    name: str  # the blueprint's name
    url_prefix: str
    model: object  # KIND, SPEC, TEMPLATE_ROWS, preview(party, batch), apply(actor, party, id)
    role: str
    title: object
    intro: object
    hint: object
    back_endpoint: str
    back_label: object
    shown: tuple
    actions: dict
    summary: Callable
    done: Callable
    template_file: str


def import_blueprint(kind: ImportKind) -> Blueprint:
    bp = Blueprint(kind.name, __name__, url_prefix=kind.url_prefix)
    spec = kind.model.SPEC

    def upload_page(status=200, error=None):
        return page_or_block(
            "imports/upload.html", None, status, error=error, kind=kind, columns=spec
        )

    @bp.route("/")
    @member(kind.role)
    def new(party_id):
        """Upload a CSV file."""
        return upload_page()

    @bp.route("/template.csv")
    @member(kind.role)
    def template(party_id):
        """The columns with an example row (UTF-8 with a BOM, as spreadsheets like it)."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=spec.columns)
        writer.writeheader()
        writer.writerows(kind.model.TEMPLATE_ROWS)
        response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{kind.template_file}"'
        return response

    @bp.route("/", methods=["POST"])
    @member(kind.role)
    def upload(party_id):
        """Keep the uploaded file and show its preview (nothing is imported yet)."""
        try:  # the request may be larger here (app.UPLOAD_LIMITS)
            upload = request.files.get("file")
        except RequestEntityTooLarge:
            return upload_page(413, str(too_large(spec)))
        if not upload or not upload.filename:
            return upload_page(422, _("Choose a CSV file to upload."))
        data = upload.read(spec.max_bytes + 1)
        if len(data) > spec.max_bytes:
            return upload_page(413, str(too_large(spec)))
        try:
            batch = stage(
                current_user._get_current_object(),
                g.party,
                kind.model.KIND,
                upload.filename,
                data,
                spec,
            )
        except DomainError as refusal:
            return upload_page(422, str(refusal))
        return redirect_to(url_for(f"{kind.name}.show", party_id=g.party.id, batch_id=batch.id))

    upload.too_large = lambda: too_large(spec)  # app.py's answer to a request past its limit

    def batch_or_404(batch_id):
        try:
            return batch_of(g.party, kind.model.KIND, batch_id)
        except NotFound:
            abort(404)

    def preview_page(batch, status=200, error=None):
        preview = Preview()
        if batch.status == "preview":
            try:
                preview = kind.model.preview(g.party, batch)
            except DomainError as refusal:  # a kept file that no longer reads (cannot happen
                error = error or str(refusal)  # for a file stage() accepted; said, not a 500)
        return page_or_block(
            "imports/preview.html",
            None,
            status,
            kind=kind,
            shown=kind.shown(g.party) if callable(kind.shown) else kind.shown,
            batch=batch,
            preview=preview,
            summary=kind.summary(
                {key: format_number(preview.counts.get(key, 0)) for key in kind.actions}
            ),
            error=error,
        )

    @bp.route("/<int:batch_id>")
    @member(kind.role)
    def show(party_id, batch_id):
        """The preview: every row with an error (line and column), what the others would do."""
        return preview_page(batch_or_404(batch_id))

    @bp.route("/<int:batch_id>", methods=["POST"])
    @member(kind.role)
    def confirm(party_id, batch_id):
        """Import the previewed file in one transaction (nothing, when a row has an error)."""
        batch = batch_or_404(batch_id)
        try:
            result = kind.model.apply(current_user._get_current_object(), g.party, batch.id)
        except DomainError as refusal:
            return preview_page(batch_or_404(batch_id), 409, str(refusal))
        flash(kind.done({key: format_number(value) for key, value in result.items()}))
        return redirect_to(url_for(kind.back_endpoint, party_id=g.party.id))

    return bp
