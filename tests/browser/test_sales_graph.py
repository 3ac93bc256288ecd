"""The sales graph clicked as supplier staff would (F22, issue 11): the home loads the graph
of all clients with the top clients; the first of them opens on its Sales tab; a quick pick
and another grouping redraw the chart and its table in place (htmx), and a range that ends
before it starts is refused on its field; the same without JavaScript; the tab on a 768 px
tablet. supplier-staff@ (Sven Jansen) reads Dutch, so steps go by test ids, not by text.

The demo's seasons (models/sales_graph_demo.py) give Brouwer's clients a year of orders."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from models.sales_graph import bar_count, local_today, quick_group, quick_range
from tests.browser.conftest import ARTIFACTS, sign_in

BROUWER = 1  # the demo supplier's party id
TODAY = local_today(ZoneInfo("Europe/Amsterdam"))  # Brouwer is Dutch: its days


def rows(page):
    return page.locator('[data-testid="sales-table"] tbody tr')


def bars(page):
    return page.locator('[data-testid="sales-chart"] .chart-bars rect')


def test_staff_follow_a_top_client_and_change_the_range_and_grouping(page, live_server):
    sign_in(page, live_server, "supplier-staff@example.com")
    page.goto(f"{live_server}/p/{BROUWER}/")
    top = page.locator('[data-testid="top-clients"] tbody tr')
    expect(top).to_have_count(10)  # loaded after the page, with the graph of all clients
    expect(page.locator('[data-testid="sales-chart"]')).to_be_visible()
    expect(rows(page)).to_have_count(13)  # the 12 months before this one, and this one
    top.first.locator("a").click()
    page.wait_for_url(re.compile(r"/clients/\d+/sales\?quick=last_12_months&group=month$"))
    expect(page.locator('[data-testid="tab-sales"]')).to_have_attribute("aria-current", "page")
    expect(rows(page)).to_have_count(13)
    expect(bars(page).first).to_be_visible()
    orders = page.locator('[data-testid="sales-orders"]')
    assert int(orders.inner_text().replace(".", "")) > 10, "a top client of the year"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sales-graph-1280.png"), full_page=True)
    page.evaluate("window.notReloaded = true")

    # this year, grouped by week, swapped in place
    page.locator('[data-testid="quick-this_year"]').click()
    group = quick_group("this_year", "month", TODAY)  # by month (by week in January)
    page.wait_for_url(re.compile(rf"quick=this_year&group={group}"))
    expect(page.locator('[data-testid="quick-this_year"]')).to_have_attribute(
        "aria-current", "true"
    )
    expect(page.locator("#sales-from")).to_have_value(f"{TODAY.year}-01-01")
    expect(rows(page)).to_have_count(bar_count(dt.date(TODAY.year, 1, 1), TODAY, group))
    page.locator("#sales-group").select_option("week")
    page.wait_for_url(re.compile(r"group=week"))
    expect(rows(page)).to_have_count(bar_count(dt.date(TODAY.year, 1, 1), TODAY, "week"))
    # this month takes its own grouping: by day
    page.locator('[data-testid="quick-this_month"]').click()
    group = quick_group("this_month", "week", TODAY)
    page.wait_for_url(re.compile(rf"quick=this_month&group={group}"))
    expect(page.locator("#sales-from")).to_have_value(TODAY.replace(day=1).isoformat())
    if page.locator('[data-testid="sales-orders"]').inner_text() == "0":
        expect(page.locator("#sales-graph .empty-state")).to_be_visible()
    else:
        expect(rows(page)).to_have_count(bar_count(TODAY.replace(day=1), TODAY, group))
    # the last 12 months take theirs, by month; then by week
    page.locator('[data-testid="quick-last_12_months"]').click()
    page.wait_for_url(re.compile(r"quick=last_12_months&group=month"))
    first, _ = quick_range("last_12_months", TODAY)
    expect(rows(page)).to_have_count(13)
    expect(bars(page).first).to_be_visible()
    page.locator("#sales-group").select_option("week")
    expect(rows(page)).to_have_count(bar_count(first, TODAY, "week"))
    assert page.evaluate("window.notReloaded === true"), "the page reloaded"

    # a range that ends before it starts: refused on its field, no chart
    page.locator("#sales-from").fill(TODAY.isoformat())
    page.locator("#sales-to").fill((TODAY - dt.timedelta(days=3)).isoformat())
    page.locator('[data-testid="sales-show"]').click()
    expect(page.locator("#sales-to-error")).to_be_visible()
    expect(page.locator("#sales-to")).to_have_attribute("aria-invalid", "true")
    expect(page.locator('[data-testid="sales-chart"]')).to_have_count(0)


def test_without_javascript_the_range_is_a_plain_form(nojs_page, live_server):
    page = nojs_page
    sign_in(page, live_server, "supplier-staff@example.com")
    page.goto(f"{live_server}/p/{BROUWER}/")
    later = page.locator('[data-testid="sales-graph-later"] a')  # the home's graph, one click
    later.click()
    page.wait_for_url(re.compile(r"\?quick=last_12_months&group=month$"))
    expect(page.locator('[data-testid="top-clients"] tbody tr')).to_have_count(10)
    page.locator('[data-testid="top-clients"] tbody tr a').first.click()
    page.wait_for_url(re.compile(r"/clients/\d+/sales\?"))
    page.locator('[data-testid="quick-this_year"]').click()
    group = quick_group("this_year", "month", TODAY)  # by week in January
    page.wait_for_url(re.compile(rf"quick=this_year&group={group}"))
    expect(rows(page)).to_have_count(bar_count(dt.date(TODAY.year, 1, 1), TODAY, group))
    page.locator("#sales-group").select_option("day")
    page.locator('[data-testid="sales-show"]').click()
    page.wait_for_url(re.compile(r"group=day"))
    expect(rows(page)).to_have_count(bar_count(dt.date(TODAY.year, 1, 1), TODAY, "day"))
    expect(bars(page).first).to_be_attached()


def test_the_sales_tab_fits_a_tablet(tablet_page, live_server):
    page = tablet_page
    sign_in(page, live_server, "supplier-staff@example.com")
    page.goto(f"{live_server}/p/{BROUWER}/?quick=last_12_months&group=month")
    page.locator('[data-testid="top-clients"] tbody tr a').first.click()
    page.wait_for_url(re.compile(r"/clients/\d+/sales\?"))
    expect(page.locator('[data-testid="sales-chart"]')).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, width
    chart = page.locator('[data-testid="sales-chart"]').bounding_box()
    assert chart["width"] > 600, chart  # the chart takes the card's width
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sales-graph-768.png"), full_page=True)
