"""Translations in templates, looked up once per request and language.

flask-babel looks up the catalog again for every `_()` in a template (the request's babel
context, the domain, the locale, the cache key): a team page with 200 members did that 1,600
times. Here the catalog of the current locale is kept on `g` for the rest of the request;
when the locale changes during a request (`refresh()` after a language change,
`force_locale()` for an email in the recipient's language) the catalog is looked up again.
"""

from __future__ import annotations

from flask import g, has_request_context
from flask_babel import get_locale, get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup, escape


def _catalog():
    if not has_request_context():
        return get_translations()
    # flask-babel keeps the request's locale on g._flask_babel (refresh() and force_locale()
    # replace it): read it there, one lookup, instead of through get_locale() every time
    state = g.get("_flask_babel")
    if state is not None:
        kept = state.__dict__.get("portal_catalog")
        if kept is not None and kept[0] is state.__dict__.get("babel_locale"):
            return kept[1]
    translations = get_translations()
    g._flask_babel.portal_catalog = (get_locale(), translations)
    return translations


def _render_catalog(eval_ctx):
    """The catalog of the language being rendered. Not kept on the evaluation context: a
    macro file imported without context is built once and cached by Jinja with the evaluation
    context of the first page that imported it, so it would go on speaking that page's
    language to every later reader. _catalog() keeps it per request and locale."""
    return _catalog()


@pass_eval_context
def _gettext(eval_ctx, string: str, /, **variables) -> str:
    """`_()` and `gettext()` in templates: Jinja's newstyle gettext (autoescaped, always a
    format string), a page calls it 100-200 times. Jinja's own takes the template context,
    and inside a loop or a block every such call copies that context (all its variables and
    blocks) first; this one needs only whether the output is escaped."""
    text = _render_catalog(eval_ctx).ugettext(string)
    if not eval_ctx.autoescape:
        return text % variables
    # The translation is ours and trusted, as in Jinja's own gettext; what fills it is escaped
    # (numbers stay numbers for %(num)d), as Markup's own % does, at a third of its cost.
    if not variables:
        return Markup(text % variables) if "%" in text else Markup(text)  # noqa: S704
    return Markup(text % {key: _filling(value) for key, value in variables.items()})  # noqa: S704


@pass_eval_context
def _ngettext(eval_ctx, singular: str, plural: str, count: int, /, **variables) -> str:
    """`ngettext()` in templates, as _gettext (the count is there for the text as %(num)s
    unless the call gives num itself, e.g. formatted)."""
    variables.setdefault("num", count)
    text = _render_catalog(eval_ctx).ungettext(singular, plural, count)
    if not eval_ctx.autoescape:
        return text % variables
    return Markup(text % {key: _filling(value) for key, value in variables.items()})  # noqa: S704


def _filling(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return escape(value)


def install(app) -> None:
    """Replace flask-babel's template gettext callables with ones that keep the catalog."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalog().ugettext(s),
        ngettext=lambda s, p, n: _catalog().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalog().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
