"""Static files that browsers keep: fingerprinted URLs, a long cache, and the favicon.

`static_url('css/app.css')` in a template gives `/static/css/app.css?v=<hash of the file>`.
A request for a static file carrying its current hash is answered with
`Cache-Control: public, max-age=31536000, immutable`: the browser never asks again, and a
changed file gets a new URL. Static files asked for without (or with an old) hash keep
Flask's revalidating default.
"""

from __future__ import annotations

import hashlib
import os

from flask import Blueprint, current_app, has_request_context, request, send_from_directory, url_for

from .access import public

bp = Blueprint("assets", __name__)

LONG_CACHE = "public, max-age=31536000, immutable"
FAVICON_CACHE = 7 * 24 * 3600  # /favicon.ico has a fixed URL: a week, then revalidate

# static file -> (mtime, hash): computed once per process (again after a change in debug mode)
_hashes: dict[str, tuple[int, str]] = {}


def file_hash(filename: str) -> str:
    """The first 12 hex digits of the SHA-256 of a file under static/."""
    path = os.path.join(current_app.static_folder, filename)
    known = _hashes.get(path)
    if known is not None and not current_app.debug:
        return known[1]
    mtime = os.stat(path).st_mtime_ns
    if known is None or known[0] != mtime:
        with open(path, "rb") as handle:
            known = (mtime, hashlib.sha256(handle.read()).hexdigest()[:12])
        _hashes[path] = known
    return known[1]


# (app, script root, static file) -> its URL: a page shows the icon sprite's URL on every
# icon, and building it (url_for, the file's path) is then a noticeable part of the page
_urls: dict[tuple, str] = {}


def static_url(filename: str) -> str:
    """The URL of a static file with its content hash, for a long browser cache."""
    if current_app.debug:
        return url_for("static", filename=filename, v=file_hash(filename))
    root = request.script_root if has_request_context() else None
    key = (id(current_app._get_current_object()), root, filename)
    url = _urls.get(key)
    if url is None:
        url = _urls[key] = url_for("static", filename=filename, v=file_hash(filename))
    return url


def long_cache(response):
    """after_request: a static file asked for by its current hash is cached for a year."""
    if request.endpoint != "static" or response.status_code != 200:
        return response
    version = request.args.get("v")
    filename = (request.view_args or {}).get("filename", "")
    try:
        current = file_hash(filename) if version else None
    except OSError:
        current = None
    if version and version == current:
        response.headers["Cache-Control"] = LONG_CACHE
        response.expires = None
    return response


@bp.route("/favicon.ico")
@public
def favicon():
    """The portal's mark for browser tabs (browsers ask for /favicon.ico on their own)."""
    return send_from_directory(
        current_app.static_folder,
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=FAVICON_CACHE,
    )


def register(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["static_url"] = static_url
    app.after_request(long_cache)
