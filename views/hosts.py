"""Answer only the Host names the portal is configured for (TRUSTED_HOSTS).

Werkzeug's own check cannot match an IPv6 literal ("[::1]:5000"), so the check lives here, as
WSGI middleware in front of the app: an unknown Host gets a plain 400 before any view runs, and
no link is ever built on a Host header an attacker chose.
"""

from __future__ import annotations

import re

_HOST = re.compile(r"^(?:\[(?P<v6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9.-]+))(?::(?P<port>\d{1,5}))?$")


def host_name(header: str) -> str | None:
    """The host name of a Host header, lowercased, brackets and port removed; None when the
    header is not a host name at all."""
    match = _HOST.match((header or "").strip().lower())
    if not match:
        return None
    port = match.group("port")
    if port and not 1 <= int(port) <= 65535:
        return None
    return match.group("v6") or match.group("name")


def _normalised(entry: str) -> str:
    entry = entry.strip().lower()
    if entry.startswith("["):
        return entry[1:].split("]", 1)[0]
    if entry.count(":") == 1:  # "host:port"
        return entry.split(":", 1)[0]
    return entry  # a name, or a bare IPv6 literal


class HostGuard:
    """WSGI middleware refusing requests whose Host is not a trusted one."""

    def __init__(self, app, trusted: list[str]):
        self.app = app
        self.exact = {_normalised(h) for h in trusted if not h.startswith(".")}
        self.suffixes = tuple(h.lower() for h in trusted if h.startswith("."))

    def trusted(self, header: str) -> bool:
        name = host_name(header)
        if name is None:
            return False
        return name in self.exact or (bool(self.suffixes) and name.endswith(self.suffixes))

    def __call__(self, environ, start_response):
        header = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        if not self.trusted(header):
            body = b"Bad request: this host name is not served here."
            start_response(
                "400 Bad Request",
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return self.app(environ, start_response)
