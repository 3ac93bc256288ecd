"""Small helpers for answering htmx and plain requests from the same view."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from flask import g, make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block
from werkzeug.datastructures import MultiDict


def wants_block() -> bool:
    """True for an htmx request that swaps a region (not boosted navigation, not a history
    restore): it gets the named block alone; everything else gets the full page."""
    return bool(
        request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    )


def block_for(block: str | None, regions: dict | None = None) -> str | None:
    """The block page_or_block renders for this request (None: the whole page), so that a
    view can skip what that block does not show."""
    if not wants_block():
        return None
    if regions and request.htmx.target in regions:
        return regions[request.htmx.target]
    return block


def page_or_block(
    template: str, block: str | None, status: int = 200, regions: dict | None = None, **context
):
    """Render the whole page, or only `block` of it for an htmx region swap. `regions` maps
    DOM ids to the blocks that fill them: an htmx request that targets one of those ids (a
    pager, a search box) gets that block instead of `block`."""
    block = block_for(block, regions)
    if block:
        g.fragment = True  # the template context skips what only the layout shows
        html = render_block(template, block, **context)
    else:
        html = render_template(template, **context)
    response = make_response(html, status)
    if request.method != "GET" and request.htmx and request.htmx.boosted:
        # a boosted form answered with its page (its errors): the address bar keeps the
        # page's URL, not the form's action (reloading a POST-only URL would answer 405)
        response.headers["HX-Push-Url"] = "false"
    response.vary.add("HX-Request")
    if regions:
        response.vary.add("HX-Target")
    return response


def list_state(page_url: str) -> MultiDict:
    """The query string that holds a page's list state (page, search): this request's own
    for a GET; after a change, that of the page the browser shows (htmx's HX-Current-URL,
    else the Referer) when it is `page_url`, so the updated list stays where the user was."""
    if request.method == "GET":
        return request.args
    shown = request.htmx.current_url if request.htmx else request.referrer
    parts = urlsplit(shown or "")
    if parts.path != page_url or (parts.netloc and parts.netloc != request.host):
        return MultiDict()
    return MultiDict(parse_qsl(parts.query))


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
