"""Translations in templates, looked up once per request and language.

flask-babel looks up the catalog again for every `_()` in a template (the request's babel
context, the domain, the locale, the cache key): a team page with 200 members did that 1,600
times. Here the catalog of the current locale is kept on `g` for the rest of the request;
when the locale changes during a request (`refresh()` after a language change,
`force_locale()` for an email in the recipient's language) the catalog is looked up again.
"""

from __future__ import annotations

import flask_babel
from flask import g, has_app_context, has_request_context
from flask_babel import get_locale, get_timezone, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup, escape


def _kept(babel_key: str, kept_key: str, make):
    """`make()` computed once per request and value of flask-babel's `babel_key` (the locale
    or the timezone it keeps on g._flask_babel): refresh() and force_locale() replace that
    value, and the result is made again. Outside a request, made every time."""
    if not has_request_context():
        return make()
    state = g.get("_flask_babel")
    if state is not None:
        kept = state.__dict__.get(kept_key)
        if kept is not None and kept[0] is state.__dict__.get(babel_key):
            return kept[1]
    result = make()
    # make() has looked the value up (flask-babel keeps it on g._flask_babel from then on)
    setattr(g._flask_babel, kept_key, (g._flask_babel.__dict__.get(babel_key), result))
    return result


def _catalog():
    """The catalog of the request's locale, one look-up per request and locale (flask-babel
    looks up the domain, the locale and the cache key again for every one)."""
    return _kept("babel_locale", "portal_catalog", get_translations)


def gettext(string: str, /, **variables) -> str:
    """flask-babel's gettext for views, through the catalog kept per request: flask-babel
    looks the domain and the catalog up again on every call (~10 µs; a page's labels add up)."""
    text = _catalog().ugettext(string)
    return text % variables if variables else text


def locale_name() -> str:
    """The request's locale as text ("nl", "de_CH"), looked up once per request and locale:
    a list formats a few hundred dates, times and numbers, and each `str(get_locale())` went
    through flask-babel's context and Babel's identifier again."""
    return _kept("babel_locale", "portal_locale_name", lambda: str(get_locale()))


def timezone_name() -> str:
    """The request's timezone as text, as locale_name()."""
    return _kept("babel_tzinfo", "portal_timezone_name", lambda: str(get_timezone()))


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


def _lazy(lazy, fill) -> str | None:
    """A lazy string of flask-babel's lazy_gettext / lazy_ngettext (the `_l` of models and
    forms) through the catalog kept per request, its variables passed through `fill`; None
    for any other lazy string."""
    func, args = lazy._func, lazy._args
    if not has_app_context():
        return None
    if func is flask_babel.gettext and len(args) == 1:
        text = _catalog().ugettext(args[0])
        return text % {k: fill(v) for k, v in lazy._kwargs.items()} if lazy._kwargs else text
    if func is flask_babel.ngettext and len(args) == 3:
        singular, plural, num = args
        variables = {"num": num, **lazy._kwargs}
        return _catalog().ungettext(singular, plural, num) % {
            k: fill(v) for k, v in variables.items()
        }
    return None


def _lazy_text(lazy) -> str:
    """str() of a lazy string: what flask-babel's gettext/ngettext say, without looking the
    domain and catalog up again for every one (~30 µs; a list shows a label on every row)."""
    text = _lazy(lazy, lambda value: value)
    return str(lazy._func(*lazy._args, **lazy._kwargs)) if text is None else text


def _lazy_html(lazy) -> Markup:
    """A lazy string in a template: the translation is trusted (as in flask-babel's own), what
    fills it is escaped (flask-babel's own left a name in "Invitation to join %(party)s"
    unescaped). The same text with the same values is made once per request and language
    (a catalog page writes "Group discount 5 %" on every product's price breakdown)."""
    try:
        key = (lazy._func, lazy._args, tuple(sorted(lazy._kwargs.items())))
        hash(key)
    except TypeError:  # a value that cannot be a key: made every time
        return _made_html(lazy)
    made = _kept("babel_locale", "portal_lazy_html", dict)
    html = made.get(key)
    if html is None:
        html = made[key] = _made_html(lazy)
    return html


def _made_html(lazy) -> Markup:
    text = _lazy(lazy, _filling)
    return escape(_lazy_text(lazy)) if text is None else Markup(text)  # noqa: S704


def install(app) -> None:
    """Replace flask-babel's template gettext callables with ones that keep the catalog, and
    let lazy strings use that catalog too."""
    LazyString.__str__ = _lazy_text
    LazyString.__html__ = _lazy_html
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalog().ugettext(s),
        ngettext=lambda s, p, n: _catalog().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalog().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
