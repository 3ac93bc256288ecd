"""Lucide icons from the vendored sprite (static/vendor/lucide/icons.svg), as `icons.icon(name)`
in every template. Decorative: the text beside an icon names the thing, so the icon is hidden
from assistive technology. Built in Python and kept per sprite URL: pages show dozens of icons,
and a template macro per icon was a noticeable part of a page's time."""

from __future__ import annotations

from types import SimpleNamespace

from markupsafe import Markup, escape

from .assets import static_url

_built: dict[tuple, Markup] = {}


def icon(name: str, class_: str | None = None, sprite: str | None = None) -> Markup:
    sprite = sprite or static_url("vendor/lucide/icons.svg")
    key = (sprite, name, class_)
    svg = _built.get(key)
    if svg is None:
        classes = f"icon {escape(class_)}" if class_ else "icon"
        svg = _built[key] = Markup(  # noqa: S704 -- every part is escaped above
            f'<svg class="{classes}" aria-hidden="true" focusable="false">'
            f'<use href="{escape(sprite)}#{escape(name)}"></use></svg>'
        )
    return svg


class Icons:
    """`icons` in a page: the sprite's URL looked up once for the page, not once per icon."""

    def __init__(self):
        self.sprite = static_url("vendor/lucide/icons.svg")

    def icon(self, name: str, class_: str | None = None) -> Markup:
        return icon(name, class_, self.sprite)


def register(app) -> None:
    app.jinja_env.globals["icons"] = SimpleNamespace(icon=icon)  # macros imported without context
    app.context_processor(lambda: {"icons": Icons()})
