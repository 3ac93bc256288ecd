"""The sales graph (F22, issue 11): ranges and buckets as pure functions (ISO weeks, month
ends, summer time, New Year in two timezones), the sums in SQL against hand-computed figures
(on SQLite and PostgreSQL, whichever DATABASE_URL names), the range's refusals, who may see
it, and the query counts of its fragments."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from playhouse.test_utils import assert_query_count

from models.budget_periods import period_window
from models.orders import Order
from models.relationships import Relationship
from models.sales_graph import (
    COUNTED,
    MAX_BARS,
    RangeRefused,
    SalesRange,
    bar_count,
    buckets_of,
    local_today,
    next_period,
    parse_range,
    period_end,
    period_start,
    quick_group,
    quick_range,
    sales_graph,
    utc_bounds,
)
from tests import factories
from tests.conftest import text_of

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NEW_YORK = ZoneInfo("America/New_York")
D = dt.date
HX = {"HX-Request": "true", "HX-Target": "sales-graph"}


# --- periods and buckets -------------------------------------------------------------------


def test_weeks_start_on_monday_also_across_new_year():
    assert period_start(D(2025, 12, 7), "week") == D(2025, 12, 1)  # a Sunday: its Monday
    assert period_start(D(2025, 12, 8), "week") == D(2025, 12, 8)  # a Monday: itself
    assert period_start(D(2026, 1, 1), "week") == D(2025, 12, 29)  # ISO week 1 of 2026
    assert next_period(D(2025, 12, 29), "week") == D(2026, 1, 5)
    assert period_end(D(2025, 12, 29), "week") == D(2026, 1, 4)


def test_months_end_on_their_last_day():
    assert period_start(D(2026, 1, 31), "month") == D(2026, 1, 1)
    assert period_end(D(2024, 2, 1), "month") == D(2024, 2, 29)  # a leap year
    assert period_end(D(2025, 2, 1), "month") == D(2025, 2, 28)
    assert period_end(D(2025, 4, 1), "month") == D(2025, 4, 30)
    assert next_period(D(2025, 12, 1), "month") == D(2026, 1, 1)
    assert period_end(D(2025, 12, 1), "month") == D(2025, 12, 31)
    assert next_period(D(2025, 12, 31), "day") == D(2026, 1, 1)


def test_buckets_are_cut_to_the_range():
    weeks = buckets_of(SalesRange(D(2025, 12, 31), D(2026, 1, 13), "week"))
    assert [(b.period, b.start, b.end, b.partial) for b in weeks] == [
        (D(2025, 12, 29), D(2025, 12, 31), D(2026, 1, 4), True),
        (D(2026, 1, 5), D(2026, 1, 5), D(2026, 1, 11), False),
        (D(2026, 1, 12), D(2026, 1, 12), D(2026, 1, 13), True),
    ]
    months = buckets_of(SalesRange(D(2025, 11, 15), D(2026, 2, 28), "month"))
    assert [(b.start, b.end, b.partial) for b in months] == [
        (D(2025, 11, 15), D(2025, 11, 30), True),
        (D(2025, 12, 1), D(2025, 12, 31), False),
        (D(2026, 1, 1), D(2026, 1, 31), False),
        (D(2026, 2, 1), D(2026, 2, 28), False),
    ]
    days = buckets_of(SalesRange(D(2024, 2, 28), D(2024, 3, 1), "day"))
    assert [b.start for b in days] == [D(2024, 2, 28), D(2024, 2, 29), D(2024, 3, 1)]
    assert not any(b.partial for b in days)


def test_bar_count_is_the_number_of_buckets():
    starts = [D(2024, 12, 30), D(2025, 1, 1), D(2025, 2, 28), D(2025, 12, 31)]
    for start, days, group in itertools.product(
        starts, (0, 1, 6, 7, 30, 59, 366), ("day", "week", "month")
    ):
        end = start + dt.timedelta(days=days)
        assert bar_count(start, end, group) == len(buckets_of(SalesRange(start, end, group)))


def test_quick_picks_run_up_to_today():
    today = D(2026, 3, 15)
    assert quick_range("this_month", today) == (D(2026, 3, 1), today)
    assert quick_range("this_year", today) == (D(2026, 1, 1), today)
    # the 12 whole months before this one, and this one so far
    assert quick_range("last_12_months", today) == (D(2025, 3, 1), today)
    assert quick_range("last_12_months", D(2026, 12, 7)) == (D(2025, 12, 1), D(2026, 12, 7))
    assert quick_range("last_12_months", D(2026, 1, 2)) == (D(2025, 1, 1), D(2026, 1, 2))
    assert quick_range("this_month", D(2026, 1, 1)) == (D(2026, 1, 1), D(2026, 1, 1))
    # a quick pick takes its own grouping (a finer one when that draws a single bar)
    assert quick_group("this_month", "month", today) == "day"
    assert quick_group("this_month", "week", today) == "day"
    assert quick_group("last_12_months", "day", today) == "month"
    assert quick_group("this_year", "week", today) == "month"
    assert quick_group("this_year", "nonsense", today) == "month"
    assert quick_group("this_year", "month", D(2026, 1, 20)) == "week"


def test_bounds_are_local_midnights_in_utc_across_summer_time():
    # Amsterdam: clocks go forward on 29 March 2026 (a 23-hour day), back on 25 October
    # (25 hours); each bucket is budget periods' one-off window of its days
    spring = buckets_of(SalesRange(D(2026, 3, 28), D(2026, 3, 30), "day"))
    bounds = utc_bounds(spring, AMSTERDAM)
    assert bounds == [
        (dt.datetime(2026, 3, 27, 23), dt.datetime(2026, 3, 28, 23)),
        (dt.datetime(2026, 3, 28, 23), dt.datetime(2026, 3, 29, 22)),  # 23 hours
        (dt.datetime(2026, 3, 29, 22), dt.datetime(2026, 3, 30, 22)),
    ]
    autumn = utc_bounds(buckets_of(SalesRange(D(2026, 10, 25), D(2026, 10, 25), "day")), AMSTERDAM)
    assert autumn == [(dt.datetime(2026, 10, 24, 22), dt.datetime(2026, 10, 25, 23))]  # 25 h
    weeks = buckets_of(SalesRange(D(2026, 3, 1), D(2026, 11, 30), "week"))
    for bucket, window in zip(weeks, utc_bounds(weeks, AMSTERDAM), strict=True):
        assert window == period_window("one_off", None, AMSTERDAM, bucket.start, bucket.end)


def test_new_year_starts_at_local_midnight_in_each_timezone():
    months = buckets_of(SalesRange(D(2025, 12, 1), D(2026, 1, 31), "month"))
    assert utc_bounds(months, AMSTERDAM)[1][0] == dt.datetime(2025, 12, 31, 23)
    assert utc_bounds(months, NEW_YORK)[1][0] == dt.datetime(2026, 1, 1, 5)
    moment = dt.datetime(2026, 1, 1, 0, 30)  # UTC
    assert local_today(AMSTERDAM, moment) == D(2026, 1, 1)
    assert local_today(NEW_YORK, moment) == D(2025, 12, 31)


def test_the_value_axis_steps_are_round_and_reach_the_peak():
    from views.sales_graph import nice_step

    assert nice_step(0) == 1
    assert nice_step(350) == 100  # 0, 1.00, 2.00, 3.00, 4.00
    assert nice_step(1_000_000) == 250_000  # 0, 2.5K, 5K, 7.5K, 10K
    assert nice_step(1_000_001) == 500_000
    for peak in (1, 7, 99, 12_345, 987_654_321):
        step = nice_step(peak)
        assert 4 * step >= peak and str(step).rstrip("0") in ("1", "2", "25", "5")


def test_labels_under_the_bars_never_crowd():
    from views.sales_graph import MAX_X_LABELS, label_points

    months = buckets_of(SalesRange(D(2025, 12, 8), D(2026, 12, 7), "month"))
    assert [(i, day) for i, _s, day in label_points(months)][:2] == [
        (0, D(2025, 12, 1)),
        (1, D(2026, 1, 1)),
    ]
    days = buckets_of(SalesRange(D(2025, 12, 8), D(2026, 12, 7), "day"))
    points = label_points(days)  # a year by day: the first day of every other month
    assert len(points) <= MAX_X_LABELS + 1 and {skeleton for _i, skeleton, _d in points} == {"MMM"}
    assert all(days[i].start.day == 1 for i, _s, _d in points[1:])
    weeks = buckets_of(SalesRange(D(2026, 1, 1), D(2026, 3, 31), "week"))
    assert len(label_points(weeks)) <= MAX_X_LABELS + 1
    short = buckets_of(SalesRange(D(2026, 3, 1), D(2026, 3, 10), "day"))
    assert [skeleton for _i, skeleton, _d in label_points(short)] == ["MMMd"] * 10


# --- the range a request asks for ---------------------------------------------------------

TODAY = D(2026, 3, 15)


def test_no_range_asked_is_the_last_12_months_by_month():
    asked = parse_range({}, TODAY)
    assert (asked.start, asked.end, asked.group, asked.quick) == (
        D(2025, 3, 1),
        TODAY,
        "month",
        "last_12_months",
    )
    typed = parse_range({"from": "2026-01-05", "to": "2026-02-01", "group": "week"}, TODAY)
    assert (typed.start, typed.end, typed.group, typed.quick) == (
        D(2026, 1, 5),
        D(2026, 2, 1),
        "week",
        "",
    )
    assert parse_range({"quick": "this_month", "group": "day"}, TODAY).start == D(2026, 3, 1)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"from": "2026-03-01", "to": "2026-02-01"}, "to"),  # ends before it starts
        ({"from": "2026-02-30", "to": "2026-03-01"}, "from"),  # no such day
        ({"from": "yesterday", "to": "2026-03-01"}, "from"),
        ({"from": "2026-01-01", "to": ""}, "to"),
        ({"from": "", "to": "2026-01-01"}, "from"),
        ({"from": "1850-01-01", "to": "2026-01-01", "group": "month"}, "from"),
        ({"from": "2025-01-01", "to": "2026-02-05", "group": "day"}, "group"),  # 401 days
        ({"from": "2000-01-01", "to": "2099-12-31", "group": "week"}, "group"),
        ({"group": "year"}, "group"),
        ({"quick": "forever"}, "quick"),
    ],
)
def test_ranges_the_graph_cannot_draw_are_refused_on_their_field(args, field):
    with pytest.raises(RangeRefused) as refused:
        parse_range(args, TODAY)
    assert field in refused.value.errors


def test_at_most_400_days_by_day():
    assert MAX_BARS == 400
    start = D(2025, 1, 1)
    parse_range({"from": "2025-01-01", "to": str(start + dt.timedelta(days=399))}, TODAY)
    parse_range(
        {"from": "2025-01-01", "to": str(start + dt.timedelta(days=399)), "group": "day"}, TODAY
    )
    with pytest.raises(RangeRefused):
        parse_range(
            {"from": "2025-01-01", "to": str(start + dt.timedelta(days=400)), "group": "day"},
            TODAY,
        )


# --- the sums, in SQL ----------------------------------------------------------------------

_keys = itertools.count(1)


def _order(link: Relationship, placed_at, net: int, status="delivered", currency="EUR", **more):
    return Order.create(
        relationship=link,
        supplier=link.supplier_id,
        customer=link.customer_id,
        status=status,
        placed_at=placed_at,
        currency=currency,
        payment_method="on_delivery",
        subtotal_minor=net,
        net_minor=net,
        vat_minor=net * 21 // 100,
        total_minor=net + net * 21 // 100,
        idempotency_key=f"graph-{next(_keys)}",
        **more,
    )


@pytest.fixture
def sales(app):
    """Brouwer (NL, Europe/Amsterdam) with two clients, orders around the spring change of
    summer time, orders that do not count, and another supplier's order."""
    supplier = factories.make_party(display_name="Brouwer", country="NL")
    staff = factories.make_member(supplier, "employee")
    admin = factories.make_member(supplier, "admin")
    anker = factories.make_party(display_name="Anker")
    baken = factories.make_party(display_name="Baken")
    a = Relationship.create(supplier=supplier, customer=anker, status="connected")
    b = Relationship.create(supplier=supplier, customer=baken, status="connected")
    at = dt.datetime
    _order(a, at(2026, 3, 28, 22, 59), 1000)  # 23:59 on 28 March in Amsterdam
    _order(a, at(2026, 3, 28, 23, 0), 2000, "placed")  # midnight: 29 March
    _order(a, at(2026, 3, 29, 21, 59), 3000, "shipped")  # 23:59 summer time, 29 March
    _order(a, at(2026, 3, 29, 22, 0), 4000, "confirmed")  # midnight: 30 March
    for status in ("cancelled", "rejected", "draft", "awaiting_approval"):
        _order(a, at(2026, 3, 29, 10), 50_000, status)  # not sold
    _order(a, at(2026, 3, 29, 10), 70_000, currency="USD")  # not in the supplier's currency
    _order(a, at(2026, 3, 27, 22, 59), 80_000)  # 26 March local: before the range
    _order(a, at(2026, 3, 30, 22, 0), 90_000)  # 31 March local: after it
    _order(b, at(2026, 3, 29, 12), 700)
    other = factories.make_party(display_name="Other supplier")
    elsewhere = Relationship.create(supplier=other, customer=anker, status="connected")
    _order(elsewhere, at(2026, 3, 29, 12), 99_999)
    return {
        "supplier": supplier,
        "staff": staff,
        "admin": admin,
        "a": a,
        "b": b,
        "other": other,
        "anker": anker,
    }


def _figures(graph):
    return [(b.start, b.orders, b.net_minor) for b in graph.buckets]


def test_sums_per_local_day_exactly_at_the_summer_time_change(sales):
    days = SalesRange(D(2026, 3, 28), D(2026, 3, 30), "day")
    graph = sales_graph(sales["supplier"], days, sales["a"])
    assert _figures(graph) == [
        (D(2026, 3, 28), 1, 1000),
        (D(2026, 3, 29), 2, 5000),
        (D(2026, 3, 30), 1, 4000),
    ]
    assert (graph.orders, graph.net_minor, graph.average_minor) == (4, 10_000, 2500)
    everyone = sales_graph(sales["supplier"], days, with_top_clients=True)
    assert _figures(everyone) == [
        (D(2026, 3, 28), 1, 1000),
        (D(2026, 3, 29), 3, 5700),
        (D(2026, 3, 30), 1, 4000),
    ]
    assert [(c.name, c.orders, c.net_minor, c.relationship_id) for c in everyone.top_clients] == [
        ("Anker", 4, 10_000, sales["a"].id),
        ("Baken", 1, 700, sales["b"].id),
    ]
    assert set(COUNTED) == {"placed", "confirmed", "shipped", "delivered"}


def test_sums_by_week_and_month_and_the_empty_buckets(sales):
    weeks = SalesRange(D(2026, 3, 28), D(2026, 4, 12), "week")
    graph = sales_graph(sales["supplier"], weeks, sales["a"])
    assert _figures(graph) == [
        (D(2026, 3, 28), 3, 6000),  # Saturday and Sunday of the week of 23 March
        (D(2026, 3, 30), 2, 94_000),  # the week of 30 March, 31 March's order too
        (D(2026, 4, 6), 0, 0),
    ]
    months = SalesRange(D(2026, 2, 1), D(2026, 4, 30), "month")
    assert _figures(sales_graph(sales["supplier"], months, sales["a"])) == [
        (D(2026, 2, 1), 0, 0),
        (D(2026, 3, 1), 6, 180_000),
        (D(2026, 4, 1), 0, 0),
    ]
    theirs = sales_graph(sales["other"], months, with_top_clients=True)
    assert theirs.net_minor == 99_999 and [c.name for c in theirs.top_clients] == ["Anker"]
    empty = sales_graph(sales["supplier"], SalesRange(D(2026, 1, 1), D(2026, 1, 31), "day"))
    assert (empty.orders, empty.net_minor, empty.average_minor, len(empty.buckets)) == (
        0,
        0,
        None,
        31,
    )


def test_the_average_order_size_rounds_half_up(sales):
    a = sales["a"]
    _order(a, dt.datetime(2026, 6, 1, 12), 1001)
    _order(a, dt.datetime(2026, 6, 2, 12), 1002)
    june = SalesRange(D(2026, 6, 1), D(2026, 6, 30), "month")
    assert sales_graph(sales["supplier"], june, a).average_minor == 1002  # 1001.5


def test_a_removed_clients_orders_still_count_for_all_clients(sales):
    gone = factories.make_party(display_name="Gone")
    link = Relationship.create(supplier=sales["supplier"], customer=gone, status="connected")
    order = _order(link, dt.datetime(2026, 3, 29, 12), 20_000)
    Order.update(relationship=None).where(Order.id == order.id).execute()
    link.delete_instance()
    days = SalesRange(D(2026, 3, 28), D(2026, 3, 30), "day")
    graph = sales_graph(sales["supplier"], days, with_top_clients=True)
    assert graph.net_minor == 10_700 + 20_000
    assert (graph.top_clients[0].name, graph.top_clients[0].relationship_id) == ("Gone", None)


# --- the pages -------------------------------------------------------------------------------


def _tab(sales, **query):
    url = f"/p/{sales['supplier'].id}/clients/{sales['a'].id}/sales"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def test_staff_read_a_clients_sales_tab_with_its_chart_and_table(client, login, sales):
    login(sales["staff"])
    response = client.get(_tab(sales, **{"from": "2026-03-28", "to": "2026-03-30", "group": "day"}))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'role="img"' in html and 'aria-labelledby="sales-chart-title sales-chart-desc"' in html
    assert '<caption id="sales-caption">Revenue by day, Mar 28' in html
    assert html.count('<th scope="row">') == 4  # three days and the total
    text = text_of(response)
    assert "Revenue (net) €100.00" in text and "Orders 4" in text
    assert "Average order size €25.00" in text
    assert "Sun, Mar 29, 2026 2 €50.00" in text and "Total 4 €100.00" in text
    bars = html.split('class="chart-bars"', 1)[1].split("</g>", 1)[0]
    assert bars.count("<rect") == 3  # a bar per day with revenue


def test_htmx_gets_the_graph_alone_and_the_same_url_the_page(client, login, sales):
    login(sales["staff"])
    url = _tab(sales, quick="this_month", group="day")
    fragment = client.get(url, headers=HX)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section class="card card-wide sales-graph" id="sales-graph"')
    assert "HX-Request" in fragment.headers["Vary"]
    page = client.get(url)
    assert "<html" in page.get_data(as_text=True) and 'id="sales-graph"' in page.get_data(
        as_text=True
    )
    assert 'aria-current="true" data-testid="quick-this_month"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-03-30", "to": "2026-03-01"}, "The range cannot end before it starts."),
        ({"from": "2026-13-01", "to": "2026-03-01"}, "Enter a date, for example 2025-01-31."),
        (
            {"from": "2024-01-01", "to": "2026-03-01", "group": "day"},
            "By day, a range can cover at most 400 days: group it by week or month.",
        ),
    ],
)
def test_a_bad_range_answers_400_with_the_fields_message(client, login, sales, query, message):
    login(sales["staff"])
    for headers in ({}, HX):
        response = client.get(_tab(sales, **query), headers=headers)
        assert response.status_code == 400
        assert message in text_of(response)
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
        assert "<svg viewBox" not in response.get_data(as_text=True)


def test_the_message_is_in_the_readers_language(client, login, sales):
    dutch = factories.make_member(sales["supplier"], "employee", language="nl")
    login(dutch)
    response = client.get(_tab(sales, **{"from": "2026-03-30", "to": "2026-03-01"}))
    assert response.status_code == 400
    assert "De periode kan niet eindigen voordat hij begint." in text_of(response)
    page = client.get(_tab(sales, **{"from": "2026-03-28", "to": "2026-03-30", "group": "day"}))
    assert "Omzet per dag" in text_of(page) and "€ 50,00" in text_of(page)


def test_another_suppliers_client_and_the_customers_people_get_404(client, login, sales):
    outsider = factories.make_member(sales["other"], "admin")
    login(outsider)
    theirs = f"/p/{sales['other'].id}/clients/{sales['a'].id}/sales"  # not its client
    assert client.get(theirs).status_code == 404
    assert client.get(_tab(sales)).status_code == 404  # not its party
    client.post("/signout")
    buyer = factories.make_member(sales["anker"], "admin")
    login(buyer)
    assert client.get(_tab(sales)).status_code == 404
    assert client.get(f"/p/{sales['anker'].id}/clients/{sales['a'].id}/sales").status_code == 404
    home = client.get(f"/p/{sales['anker'].id}/")
    assert home.status_code == 200 and "sales-graph" not in home.get_data(as_text=True)


def test_the_suppliers_home_loads_the_graph_of_all_clients_with_the_top_clients(
    client, login, sales
):
    login(sales["staff"])
    home = f"/p/{sales['supplier'].id}/"
    page = client.get(home).get_data(as_text=True)
    later = f'hx-get="{home}?quick=last_12_months&amp;group=month" hx-trigger="load"'
    assert later in page  # loaded after the page; a link without JavaScript
    assert f'href="{home}?quick=last_12_months&amp;group=month"' in page
    query = "?from=2026-03-28&to=2026-03-30&group=day"
    fragment = client.get(home + query, headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    text = text_of(fragment)
    assert "Sales to all clients" in text and "Revenue (net) €107.00" in text
    assert "Top clients Client Orders Revenue Anker 4 €100.00 Baken 1 €7.00" in text
    link = f"/p/{sales['supplier'].id}/clients/{sales['a'].id}/sales?from=2026-03-28"
    assert link in fragment.get_data(as_text=True)
    whole = client.get(home + query)  # without JavaScript: the home with the graph drawn
    assert "<html" in whole.get_data(as_text=True) and "Top clients" in text_of(whole)
    assert client.get(home + "?from=x&to=2026-01-01", headers=HX).status_code == 400


@pytest.mark.parametrize("count", [10, 200])
def test_the_graphs_take_the_same_few_queries_at_any_size(client, login, sales, count):
    a = sales["a"]
    start = dt.datetime(2025, 4, 1, 12)
    for n in range(count):
        _order(a, start + dt.timedelta(hours=37 * n), 1000 + n)
    login(sales["staff"])
    tab = _tab(sales, quick="last_12_months", group="week")
    home = f"/p/{sales['supplier'].id}/?quick=last_12_months&group=day"
    for url in (tab, home):
        client.get(url, headers=HX)  # warm: one-time look-ups of the process
    with assert_query_count(4):  # session, membership, the client, the sums by bucket
        assert client.get(tab, headers=HX).status_code == 200
    with assert_query_count(5):  # session, membership, has clients?, sums, top clients
        assert client.get(home, headers=HX).status_code == 200
    client.get(tab)
    with assert_query_count(6):  # the whole tab: and the client's company, unread messages
        assert client.get(tab).status_code == 200
