"""Lucide icons from the vendored sprite (static/vendor/lucide/icons.svg), as `icons.icon(name)`
in every template. Decorative: the text beside an icon names the thing, so the icon is hidden
from assistive technology. Built in Python and kept per sprite URL: pages show dozens of icons,
and a template macro per icon was a noticeable part of a page's time."""

from __future__ import annotations

from types import SimpleNamespace

from markupsafe import Markup, escape

from .assets import static_url

_built: dict[tuple, Markup] = {}


def icon(name: str, class_: str | None = None) -> Markup:
    sprite = static_url("vendor/lucide/icons.svg")
    key = (sprite, name, class_)
    svg = _built.get(key)
    if svg is None:
        classes = f"icon {escape(class_)}" if class_ else "icon"
        svg = _built[key] = Markup(  # noqa: S704 -- every part is escaped above
            f'<svg class="{classes}" aria-hidden="true" focusable="false">'
            f'<use href="{escape(sprite)}#{escape(name)}"></use></svg>'
        )
    return svg


def register(app) -> None:
    app.jinja_env.globals["icons"] = SimpleNamespace(icon=icon)
