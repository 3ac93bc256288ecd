"""Identifiers and amounts as a business writes them (pure rules, no database): countries,
currencies, VAT numbers, postal codes, IBAN, BIC and money amounts. Company settings use them
today; relationships, catalog and ordering will too."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import get_currency_precision, get_territory_currencies
from flask_babel import lazy_gettext as _l
from stdnum import bic as stdnum_bic
from stdnum import get_cc_module
from stdnum import iban as stdnum_iban
from stdnum.eu.vat import MEMBER_STATES
from stdnum.exceptions import ValidationError as StdnumError

from .base import DomainError, to_minor

# Babel territories that are no ISO 3166-1 country: unions and placeholders, and the CLDR
# extras (Ascension, Clipperton, Diego Garcia, Ceuta and Melilla, the Canaries, Tristan da
# Cunha, Sark). Kosovo (XK) stays: it has no ISO code yet, but its companies have IBANs.
_NOT_COUNTRIES = {
    "EU", "EZ", "UN", "QO", "ZZ", "XA", "XB",
    "AC", "CP", "DG", "EA", "IC", "TA", "CQ",
}  # fmt: skip


@lru_cache(maxsize=1)
def known_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes Babel knows as countries."""
    return frozenset(
        code
        for code in Locale("en").territories
        if len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_COUNTRIES
    )


@lru_cache(maxsize=1)
def currencies_in_use() -> frozenset[str]:
    """Currencies that are legal tender somewhere today (no historical ones)."""
    codes = set()
    for country in known_countries():
        codes.update(get_territory_currencies(country, tender=True, non_tender=False))
    return frozenset(codes)


class _CountryName:
    """A country's name in the user's language, looked up when the message is shown."""

    def __init__(self, code: str):
        self.code = code

    def __str__(self) -> str:
        from flask_babel import get_locale

        try:
            return get_locale().territories.get(self.code, self.code)
        except Exception:  # no request: the code is still a fine name
            return self.code


# VAT numbers of these countries are written with their country prefix (Greece: EL).
_VAT_PREFIXED = {cc.upper() for cc in MEMBER_STATES if cc != "xi"} | {"GB"}
_VAT_PREFIX = {"GR": "EL"}
_VAT_COUNTRY_PREFIXES = _VAT_PREFIXED | {"EL", "CH", "NO"}
_VAT_SANE = re.compile(r"^[A-Z0-9]{4,20}$")


def normalise_vat(number: str, country: str) -> str:
    """A VAT number checked with its country's checksum, in compact form ("NL004495445B01").

    Empty stays empty (the number is optional). Countries without a checksum rule in stdnum
    accept 4-20 letters and digits.
    """
    raw = re.sub(r"[\s.\-/]", "", number or "").upper()
    if not raw:
        return ""
    country = (country or "").upper()
    prefix = _VAT_PREFIX.get(country, country)

    def invalid() -> DomainError:
        return DomainError(
            _l("This is not a valid VAT number for %(country)s."),
            "vat_number",
            country=_CountryName(country),
        )

    module = get_cc_module(country.lower(), "vat") if country.isalpha() else None
    if module is None:
        if not _VAT_SANE.match(raw):
            raise invalid()
        return raw
    if raw[:2] in _VAT_COUNTRY_PREFIXES and raw[:2] not in (prefix, country):
        raise invalid()  # another country's number
    try:
        compact = module.validate(raw)
    except (StdnumError, ValueError, TypeError):
        raise invalid() from None
    if country in _VAT_PREFIXED and not compact.startswith(prefix):
        compact = prefix + compact
    return compact[:32]


# Postal code rules of common countries: (pattern, normaliser, format shown in the message).
def _nl(m):
    return f"{m.group(1)} {m.group(2).upper()}"


def _se(m):
    return f"{m.group(1)} {m.group(2)}"


def _gb(m):
    return f"{m.group(1).upper()} {m.group(2).upper()}"


def _same(m):
    return m.group(0).upper()


_FIVE = (re.compile(r"^\d{5}$"), _same, "12345")
_FOUR = (re.compile(r"^\d{4}$"), _same, "1234")
POSTAL_RULES = {
    "NL": (re.compile(r"^([1-9]\d{3})\s?([A-Za-z]{2})$"), _nl, "1234 AB"),
    "DE": _FIVE,
    "FR": _FIVE,
    "ES": _FIVE,
    "IT": _FIVE,
    "BE": _FOUR,
    "AT": _FOUR,
    "DK": _FOUR,
    "CH": _FOUR,
    "SE": (re.compile(r"^(\d{3})\s?(\d{2})$"), _se, "123 45"),
    "GB": (
        re.compile(r"^([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*(\d[A-Za-z]{2})$"),
        _gb,
        "SW1A 1AA",
    ),
    "US": (re.compile(r"^\d{5}(-\d{4})?$"), _same, "12345 / 12345-6789"),
}
_POSTAL_OTHER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{0,8}[A-Za-z0-9]$")


def normalise_postal_code(code: str, country: str) -> str:
    """A postal code checked against its country's format, written the usual way."""
    code = re.sub(r"\s+", " ", (code or "").strip())
    rule = POSTAL_RULES.get((country or "").upper())
    if rule is None:
        if not _POSTAL_OTHER.match(code):
            raise DomainError(
                _l("Enter a postal code of 2 to 10 letters, digits, spaces or dashes."),
                "postal_code",
            )
        return code.upper()
    pattern, normalise, shown = rule
    match = pattern.match(code)
    if not match:
        raise DomainError(
            _l("Enter the postal code in the format %(format)s (%(country)s)."),
            "postal_code",
            format=shown,
            country=_CountryName(country.upper()),
        )
    return normalise(match)


def normalise_iban(value: str) -> str:
    """An IBAN checked (its country's length and format, and the check digits), in compact
    form. A bank code stdnum's registry does not know is no reason to refuse a checksum-valid
    IBAN (new banks appear faster than any registry), so the country module is not asked."""
    try:
        return stdnum_iban.validate(value or "", check_country=False)
    except (StdnumError, ValueError, TypeError):
        raise DomainError(
            _l("This is not a valid IBAN. Please check it against a bank statement."), "iban"
        ) from None


def normalise_bic(value: str) -> str:
    """A BIC (SWIFT code) of 8 or 11 characters, checked; empty when not given."""
    if not (value or "").strip():
        return ""
    try:
        return stdnum_bic.validate(value)
    except (StdnumError, ValueError, TypeError):
        raise DomainError(
            _l("This is not a valid BIC: 8 or 11 letters and digits, like ABNANL2A."), "bic"
        ) from None


def format_iban(iban: str) -> str:
    """An IBAN in groups of four, as printed on statements."""
    return stdnum_iban.format(iban) if iban else ""


def mask_iban(iban: str) -> str:
    """Only the country code with check digits and the last four characters
    ("NL91 •••• •••• •••• 4300")."""
    if not iban:
        return ""
    compact = stdnum_iban.compact(iban)
    if len(compact) <= 8:
        return "•" * len(compact)
    hidden = -(-(len(compact) - 8) // 4)
    return " ".join([compact[:4], *["••••"] * hidden, compact[-4:]])


# A sensible bound for amounts such as a minimum order value or a credit limit.
MAX_AMOUNT = Decimal("1000000000")  # a billion in the party's currency is no real default
MAX_MINOR = 2**31 - 1  # what an INTEGER column holds: 21,474,836.47 in a currency with cents


def check_amount(amount: Decimal | None, currency: str, field: str) -> int | None:
    """A money amount as minor units, refused when negative, absurd or too precise."""
    if amount is None:
        return None
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise DomainError(_l("Enter an amount."), field)
    if amount < 0:
        raise DomainError(_l("The amount cannot be negative."), field)
    if amount > MAX_AMOUNT:
        raise DomainError(_l("This amount is too large."), field)
    digits = get_currency_precision(currency)
    if amount.as_tuple().exponent < -digits:
        raise DomainError(
            _l("Use at most %(digits)s decimals for %(currency)s."),
            field,
            digits=digits,
            currency=currency,
        )
    minor = to_minor(amount, currency)
    if minor > MAX_MINOR:  # the columns are 32-bit integers (PostgreSQL INTEGER)
        raise DomainError(_l("This amount is too large."), field)
    return minor


def clean_text(value, max_length: int) -> str:
    """A line of text as typed, without outer or repeated whitespace, cut to max_length."""
    return re.sub(r"\s+", " ", (value or "").strip())[:max_length]


_FOLDED = str.maketrans({"×": "x", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d"})


def fold(text: str) -> str:
    """Text as a search or a sort compares it: without case and accents ("Café" and "cafe",
    "Käse" and "kase", "12 × 250" and "12 x 250" are the same), so a buyer finds and files a
    name however it is typed."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(_FOLDED)
