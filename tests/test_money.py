"""Money is Decimal in Python and integer minor units in the database (F29)."""

from decimal import Decimal

import pytest

from models.base import from_minor, to_minor
from views.filters import money


def test_to_and_from_minor_units():
    assert to_minor(Decimal("1234.50"), "EUR") == 123450
    assert to_minor("0.005", "EUR") == 1  # half up
    assert to_minor(Decimal("1500"), "JPY") == 1500
    assert from_minor(123450, "EUR") == Decimal("1234.50")
    assert from_minor(1500, "JPY") == Decimal("1500")
    assert from_minor(None, "EUR") is None


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_minor(12.5, "EUR")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "€1,234.50"),
        ("nl", "€\xa01.234,50"),
        ("de", "1.234,50\xa0€"),
        ("fr", "1\u202f234,50\xa0€"),
        ("es", "1.234,50\xa0€"),
    ],
)
def test_money_follows_the_locale(app, locale, expected):
    with app.test_request_context(headers={"Accept-Language": locale}):
        assert money(Decimal("1234.50"), "EUR") == expected
