"""Small helpers for answering htmx and plain requests from the same view."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block


def wants_block() -> bool:
    """True for an htmx request that swaps a region (not boosted navigation, not a history
    restore): it gets the named block alone; everything else gets the full page."""
    return bool(
        request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    )


def page_or_block(template: str, block: str | None, status: int = 200, **context):
    """Render the whole page, or only `block` of it for an htmx region swap."""
    if block and wants_block():
        html = render_block(template, block, **context)
    else:
        html = render_template(template, **context)
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response


def redirect_to(url: str, status: int = 303):
    """Redirect a plain request; tell htmx to navigate with HX-Redirect instead."""
    if wants_block():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, status)


def safe_next(target: str | None, fallback: str) -> str:
    """A local path to go on to after a form, never another site."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target:
        return fallback
    return target
