"""The sales graph on a page (F22): the range a request asks for, its figures, and the chart
drawn as SVG on the server -- bars, axes and labels in the reader's language -- with the same
numbers as rows of a table. Used by the client's Sales tab and the supplier's home."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from babel.dates import format_interval, format_skeleton
from babel.numbers import format_compact_currency
from flask import request
from flask_babel import format_currency, format_decimal, get_translations

from models.base import from_minor
from models.parties import Party
from models.relationships import Relationship
from models.sales_graph import (
    GROUP_LABELS,
    GROUPS,
    QUICK_LABELS,
    QUICK_PICKS,
    Bucket,
    RangeRefused,
    SalesGraph,
    SalesRange,
    local_today,
    parse_range,
    quick_group,
    range_args,
    sales_graph,
    zone_of,
)

from .filters import remembered
from .i18n import gettext as _
from .i18n import locale_name

REGION = "sales-graph"  # the DOM id of the swappable region; its block is "sales_graph"
BLOCK = "sales_graph"

# the chart's own coordinates (a viewBox: the browser scales it to the card's width)
WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 68, 8, 12, 46
MAX_X_LABELS = 12  # a label every ~47 units at the most, so that none overlaps the next


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str
    partial: bool  # a week or month the range cuts: drawn lighter


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class XLabel:
    x: float
    text: str
    year: str  # a second line where the year begins or changes


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[XLabel]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    base: int = HEIGHT - BOTTOM


@dataclass(frozen=True)
class Row:
    """A row of the chart's table, its figures as the reader writes them."""

    label: str
    orders: str
    revenue: str


@dataclass
class SalesView:
    """What the template shows: the form's values and messages, the figures, the chart and
    its table, and the quick picks as links."""

    url: str
    values: dict
    errors: dict
    groups: list[tuple[str, str]]
    quick_links: list[tuple[str, str, str, bool]]
    graph: SalesGraph | None = None
    chart: Chart | None = None
    rows: list[Row] = field(default_factory=list)
    title: str = ""
    top: bool = False
    args: dict = field(default_factory=dict)  # the query string asking for this range again


def nice_step(peak: int, steps: int = 4) -> int:
    """The step of the value axis (in minor units): 1, 2, 2.5 or 5 times a power of ten, the
    smallest with which `steps` steps reach the peak."""
    if peak <= 0:
        return 1
    magnitude = 10 ** max(0, math.floor(math.log10(peak / steps)))
    for multiple in (1, 2, 2.5, 5, 10):
        step = int(multiple * magnitude)
        if step * steps >= peak:
            return step
    return 10 * magnitude  # pragma: no cover - 10 always reaches it


def _axis_money(minor: int, currency: str, locale: str) -> str:
    """An amount on the value axis, short ("€2.5K", "12 k €" in French)."""
    return remembered(
        ("sales_axis", minor, currency, locale),
        lambda: format_compact_currency(
            from_minor(minor, currency), currency, locale=locale, fraction_digits=1
        ),
    )


def _range_text(start, end) -> str:
    return format_interval(start, end, "yMMMd", locale=locale_name())


class Texts:
    """The graph's figures and bucket names as the reader writes them, each kept once made
    (filters.remembered, the same keys as the money and number filters): a range by day
    has 400 buckets, each with its name, revenue and order count in the table and in its
    bar's title, and the language is looked up once for all of them."""

    def __init__(self, currency: str):
        self.currency = currency
        self.locale = locale_name()
        self._plural = get_translations().ungettext

    def money(self, minor: int) -> str:
        amount = from_minor(minor, self.currency)
        key = ("money", Decimal, amount, self.currency, self.locale)
        return remembered(key, lambda: format_currency(amount, self.currency))

    def number(self, value: int) -> str:
        return remembered(("number", int, value, self.locale), lambda: format_decimal(value))

    def orders(self, count: int) -> str:
        """The order count in words ("12 orders"), its number formatted as well (flask-babel's
        ngettext would not)."""
        text = self._plural("%(num)s order", "%(num)s orders", count)
        return text % {"num": self.number(count)}

    def label(self, bucket: Bucket) -> str:
        """A bucket as the table names it: a day with its weekday, a week's days, a month
        (or the days of a month the range cuts)."""
        key = ("sales_label", bucket.group, bucket.start, bucket.end, bucket.partial, self.locale)
        return remembered(key, lambda: _label(bucket, self.locale))


def _label(bucket: Bucket, locale: str) -> str:
    if bucket.group == "day":
        return format_skeleton("yMMMEd", bucket.start, locale=locale)
    if bucket.group == "month" and not bucket.partial:
        return format_skeleton("yMMM", bucket.period, locale=locale)
    if bucket.start == bucket.end:
        return format_skeleton("yMMMd", bucket.start, locale=locale)
    return format_interval(bucket.start, bucket.end, "yMMMd", locale=locale)


def chart_title(sales_range: SalesRange) -> str:
    """What the chart shows, as its title and the table's caption."""
    days = _range_text(sales_range.start, sales_range.end)
    if sales_range.group == "day":
        return _("Revenue by day, %(range)s", range=days)
    if sales_range.group == "week":
        return _("Revenue by week, %(range)s", range=days)
    return _("Revenue by month, %(range)s", range=days)


def label_points(buckets: list[Bucket]) -> list[tuple[int, str, object]]:
    """Which bars get a label under them, and what it says: (position, Babel skeleton, day).
    Months by their name; days and weeks by their date while few, and once there are more
    than MAX_X_LABELS of them, the bar where each month begins by that month's name; at
    most about MAX_X_LABELS, evenly spread, so that none overlaps the next."""
    if not buckets:
        return []
    if buckets[0].group == "month":
        points = [(i, "MMM", b.period) for i, b in enumerate(buckets)]
    elif len(buckets) <= MAX_X_LABELS * 2:
        points = [(i, "MMMd", b.start) for i, b in enumerate(buckets)]
    else:
        points = [
            (i, "MMM", b.end.replace(day=1))
            for i, b in enumerate(buckets)
            if i == 0 or b.end.month != buckets[i - 1].end.month
        ]
    # a month's short name takes half the room of a date: the 13 months of "the last 12
    # months" and a year ago's all keep theirs
    limit = MAX_X_LABELS if points[0][1] == "MMMd" else MAX_X_LABELS + 1
    every = max(1, math.ceil(len(points) / limit))
    return points[::every]


def draw(graph: SalesGraph, labels: list[str], texts: Texts) -> Chart:
    """The chart's geometry: a bar per bucket scaled to the axis' top tick, the value axis'
    ticks and the labels under the bars (at most MAX_X_LABELS, evenly spread)."""
    buckets = graph.buckets
    step = nice_step(graph.peak_minor)
    steps = max(1, math.ceil(graph.peak_minor / step))
    top_value = step * steps
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT
    base = HEIGHT - BOTTOM
    slot = plot_width / len(buckets)
    bar_width = max(1.0, slot * (0.72 if len(buckets) <= 60 else 0.82))
    bars = []
    for i, bucket in enumerate(buckets):
        if not bucket.net_minor:
            continue
        height = max(1.0, bucket.net_minor / top_value * plot_height)
        title = f"{labels[i]}: {texts.money(bucket.net_minor)}, {texts.orders(bucket.orders)}"
        bars.append(
            Bar(
                x=round(LEFT + i * slot + (slot - bar_width) / 2, 2),
                y=round(base - height, 2),
                width=round(bar_width, 2),
                height=round(height, 2),
                title=title,
                partial=bucket.partial,
            )
        )
    ticks = [
        Tick(
            y=round(base - k * step / top_value * plot_height, 2),
            label=_axis_money(k * step, graph.currency, texts.locale),
        )
        for k in range(steps + 1)
    ]
    x_labels, last_year = [], None
    locale = texts.locale
    for i, skeleton, day in label_points(buckets):
        text = remembered(
            ("sales_tick", skeleton, day, locale),
            lambda skeleton=skeleton, day=day: format_skeleton(skeleton, day, locale=locale),
        )
        year = str(day.year) if day.year != last_year else ""
        last_year = day.year
        x_labels.append(XLabel(x=round(LEFT + (i + 0.5) * slot, 2), text=text, year=year))
    return Chart(bars=bars, ticks=ticks, labels=x_labels)


def sales_view(
    supplier: Party, url: str, relationship: Relationship | None = None, top: bool = False
) -> tuple[SalesView, int]:
    """The graph the request asks for (its query string), for one client or for all (with
    the top clients when `top`); 400 with the fields' messages for a range it cannot draw."""
    today = local_today(zone_of(supplier))
    args = request.args
    groups = [(key, str(GROUP_LABELS[key])) for key in GROUPS]
    try:
        sales_range = parse_range(args, today)
    except RangeRefused as refusal:
        values = {name: (args.get(name) or "").strip()[:20] for name in ("from", "to", "group")}
        errors = {name: str(message) for name, message in refusal.errors.items()}
        return SalesView(url, values, errors, groups, _quick_links(url, "", "", today)), 400
    graph = sales_graph(supplier, sales_range, relationship, with_top_clients=top)
    texts = Texts(graph.currency)
    labels = [texts.label(b) for b in graph.buckets]
    view = SalesView(
        url=url,
        values={
            "from": sales_range.start.isoformat(),
            "to": sales_range.end.isoformat(),
            "group": sales_range.group,
        },
        errors={},
        groups=groups,
        quick_links=_quick_links(url, sales_range.quick, sales_range.group, today),
        graph=graph,
        chart=draw(graph, labels, texts),
        rows=[
            Row(label, texts.number(b.orders), texts.money(b.net_minor))
            for label, b in zip(labels, graph.buckets, strict=True)
        ],
        title=chart_title(sales_range),
        top=top,
        args=range_args(sales_range),
    )
    return view, 200


def _quick_links(url: str, current: str, group: str, today) -> list[tuple[str, str, str, bool]]:
    """Each quick pick as a link (key, label, URL, whether it is the range shown)."""
    links = []
    for pick in QUICK_PICKS:
        chosen = quick_group(pick, group, today)
        query = urlencode({"quick": pick, "group": chosen})
        links.append((pick, str(QUICK_LABELS[pick]), f"{url}?{query}", pick == current))
    return links


def asks_for_graph() -> bool:
    """Whether the request names a range (or targets the graph's region): the supplier's
    home draws the graph then, and otherwise loads it after the page (it sums every
    client's orders of the range)."""
    if request.htmx and request.htmx.target == REGION:
        return True
    return any(name in request.args for name in ("quick", "from", "to", "group"))
