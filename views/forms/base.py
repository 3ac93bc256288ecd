"""The base of every form: text that the database can store.

Every text field refuses control characters (a NUL byte cannot be stored in PostgreSQL;
others hide text or break exports). Textareas keep tab and line breaks. This is the one place
that rule lives: forms inherit it from PortalForm.
"""

from __future__ import annotations

import re

from babel import support
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import StringField, TextAreaField, widgets
from wtforms.i18n import messages_path
from wtforms.validators import StopValidation
from wtforms.widgets import core as widgets_core

from views.csrf import MaskedFormCSRF

# C0 controls and DEL, the C1 controls, the bidirectional embeddings, overrides and isolates
# (they make a name read backwards: spoofing), and U+FFFE/U+FFFF (not characters).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
_CONTROL_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
CONTROL_MESSAGE = _l("Remove the invisible control characters from this text.")


def has_control_characters(text: str, multiline: bool = False) -> bool:
    """True when text holds characters no field should store (tab and line breaks are fine
    in multi-line text)."""
    return bool((_CONTROL if multiline else _CONTROL_IN_LINE).search(text or ""))


def _storable_text(form, field) -> None:
    multiline = isinstance(field, TextAreaField)
    pattern = _CONTROL if multiline else _CONTROL_IN_LINE
    for value in field.raw_data or ():
        if isinstance(value, str) and pattern.search(value):
            # The form shows the text without them (never the bytes themselves), and nothing
            # else is checked until they are gone.
            field.data = pattern.sub("", value)
            raise StopValidation(CONTROL_MESSAGE)


_original_html_params = widgets_core.html_params


def html_params(**kwargs) -> Markup:
    """WTForms' html_params (the attributes of every input, select and option), the same output
    without formatting each attribute through Markup.format: that took ~4 µs an attribute, a
    quarter of a form's rendering. tests/test_speed_helpers.py compares the two."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = widgets_core.clean_key(key)
        if value is True:
            params.append(escape(key))
        elif value is not False:
            params.append(f'{escape(key)}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))  # noqa: S704 -- every part is escaped above


# the widgets and fields look the function up in these modules when they render; Input and
# Button (every text, number, checkbox and hidden input) keep it as a class attribute
widgets_core.html_params = widgets.html_params = html_params
for _widget in (widgets_core.Input, widgets_core.Button):
    _widget.html_params = staticmethod(html_params)


class _WTFormsMessages:
    """WTForms' own messages ("Not a valid integer value.") in the user's language. Flask-WTF
    reads the catalog file again in every request that builds a form; here each language's
    catalog is read once per process."""

    _catalogs: dict = {}

    def _catalog(self):
        locale = get_locale()
        key = str(locale)
        catalog = self._catalogs.get(key)
        if catalog is None:
            catalog = support.Translations.load(messages_path(), [locale], domain="wtforms")
            self._catalogs[key] = catalog
        return catalog

    def gettext(self, string):
        return self._catalog().ugettext(string)

    def ngettext(self, singular, plural, n):
        return self._catalog().ungettext(singular, plural, n)


_MESSAGES = _WTFormsMessages()


class PortalForm(FlaskForm):
    """FlaskForm whose text fields only take text the database can store."""

    class Meta(FlaskForm.Meta):
        csrf_class = MaskedFormCSRF  # the token is masked anew in every page (views/csrf.py)

        def get_translations(self, form):
            return _MESSAGES

        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, StringField):  # also email, tel, hidden, password, textarea
                field.validators = [_storable_text, *field.validators]
            return field
