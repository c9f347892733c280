"""Small server-rendered SVG bar charts of a value per year, with the table behind each.

A pure module, no Django: the profile page draws "works per year" and "citations per year"
without JavaScript. Build the rows with `year_rows`, then `bar_chart_svg` draws them; the page
renders the same rows as the accessible table beside the picture. Usage::

    rows = year_rows({2019: 4, 2021: 7}, last_year=2024)
    svg = bar_chart_svg(rows, chart_id="works-per-year", title="Works per year",
                        unit=("work", "works"))
    # svg is markup (it has __html__), so a Django template renders {{ svg }} unescaped.

The SVG carries role="img", a <title> and a <desc>, CSS classes and SVG presentation
attributes only (no style attribute, no script), and every text in it is escaped.
"""

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# The window a chart shows at least, and at most however long the record is.
MIN_YEARS = 10
MAX_YEARS = 60

# The drawing's own coordinates (viewBox); CSS scales it to the column's width.
WIDTH = 400
HEIGHT = 150
MARGIN_LEFT = 40
MARGIN_RIGHT = 4
MARGIN_TOP = 8
MARGIN_BOTTOM = 22
# At most this many year labels under the bars, so they never overlap.
MAX_YEAR_LABELS = 8

_CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")


@dataclass(frozen=True)
class YearValue:
    """One bar and one table row: a year and its value (a count, never negative)."""

    year: int
    value: int


class Markup(str):
    """A string of finished markup: template engines that honour __html__ do not escape it."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)


def year_rows(
    counts: Mapping[int, int],
    *,
    last_year: int,
    min_years: int = MIN_YEARS,
    max_years: int = MAX_YEARS,
) -> list[YearValue]:
    """Return one row per year, oldest first, ending at `last_year`; missing years are zero.

    The window spans at least `min_years` and reaches back to the oldest year with a value,
    but never more than `max_years`. Years after `last_year` are left out: pass the latest
    year to show (the current year, or the year of the newest work if that is later).
    """
    if min_years < 1 or max_years < min_years:
        raise ValueError("need 1 <= min_years <= max_years")
    for year, value in counts.items():
        if value < 0:
            raise ValueError(f"a count cannot be negative ({year}: {value})")
    known = [year for year, value in counts.items() if value and year <= last_year]
    first_year = last_year - min_years + 1
    if known:
        first_year = min(first_year, min(known))
    first_year = max(first_year, last_year - max_years + 1)
    return [YearValue(year, int(counts.get(year, 0))) for year in range(first_year, last_year + 1)]


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50... that is at least `value` (the axis' top)."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def _number(value: int) -> str:
    return f"{value:,}"


def _unit(value: int, unit: tuple[str, str]) -> str:
    return unit[0] if value == 1 else unit[1]


def bar_chart_svg(
    rows: Sequence[YearValue],
    *,
    chart_id: str,
    title: str,
    unit: tuple[str, str],
) -> Markup:
    """Draw the rows as an accessible SVG bar chart, one bar per year.

    `chart_id` prefixes the ids of the title and description (unique on the page); `unit` is
    the value's singular and plural ("citation", "citations"), used in the description and in
    each bar's tooltip.
    """
    if not _CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart_id must be a short HTML id, not {chart_id!r}")
    if not rows:
        raise ValueError("a chart needs at least one year")
    esc = html.escape  # quote=True: safe in text and in attribute values alike
    total = sum(row.value for row in rows)
    top = nice_ceiling(max(row.value for row in rows))
    first, last = rows[0].year, rows[-1].year
    description = (
        f"{_number(total)} {_unit(total, unit)} from {first} to {last}; "
        f"the most in one year: {_number(max(row.value for row in rows))}."
    )
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    baseline = MARGIN_TOP + plot_height
    slot = plot_width / len(rows)
    bar_width = max(slot * 0.7, 1.0)
    label_every = math.ceil(len(rows) / MAX_YEAR_LABELS)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{esc(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{esc(chart_id)}-title {esc(chart_id)}-desc">',
        f'<title id="{esc(chart_id)}-title">{esc(title)}</title>',
        f'<desc id="{esc(chart_id)}-desc">{esc(description)}</desc>',
        # The axis: a top gridline labelled with the scale's maximum, and the baseline at 0.
        f'<line class="chart__grid" x1="{MARGIN_LEFT}" y1="{MARGIN_TOP}" '
        f'x2="{WIDTH - MARGIN_RIGHT}" y2="{MARGIN_TOP}" stroke="currentColor" '
        f'stroke-opacity="0.25"/>',
        f'<line class="chart__axis" x1="{MARGIN_LEFT}" y1="{baseline}" '
        f'x2="{WIDTH - MARGIN_RIGHT}" y2="{baseline}" stroke="currentColor"/>',
        f'<text class="chart__scale" x="{MARGIN_LEFT - 4}" y="{MARGIN_TOP + 4}" '
        f'text-anchor="end" font-size="10" fill="currentColor">{_number(top)}</text>',
        f'<text class="chart__scale" x="{MARGIN_LEFT - 4}" y="{baseline}" '
        f'text-anchor="end" font-size="10" fill="currentColor">0</text>',
        '<g class="chart__bars">',
    ]
    for index, row in enumerate(rows):
        x = MARGIN_LEFT + index * slot + (slot - bar_width) / 2
        height = plot_height * row.value / top
        parts.append(
            f'<rect class="chart__bar" x="{x:.1f}" y="{baseline - height:.1f}" '
            f'width="{bar_width:.1f}" height="{height:.1f}" fill="currentColor">'
            f"<title>{row.year}: {_number(row.value)} {esc(_unit(row.value, unit))}</title>"
            "</rect>"
        )
    parts.append("</g>")
    # Label the last year and every label_every-th year before it.
    for index, row in enumerate(rows):
        if (len(rows) - 1 - index) % label_every == 0:
            x = MARGIN_LEFT + index * slot + slot / 2
            parts.append(
                f'<text class="chart__year" x="{x:.1f}" y="{HEIGHT - 6}" '
                f'text-anchor="middle" font-size="10" fill="currentColor">{row.year}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class YearChart:
    """A chart and the table behind it: what a template needs to show both."""

    chart_id: str
    title: str
    unit: tuple[str, str]
    rows: tuple[YearValue, ...]

    @property
    def svg(self) -> Markup:
        return bar_chart_svg(self.rows, chart_id=self.chart_id, title=self.title, unit=self.unit)

    @property
    def total(self) -> int:
        return sum(row.value for row in self.rows)

    @property
    def column_label(self) -> str:
        """The table's value column heading: "Works", "Citations"."""
        return self.unit[1].capitalize()


def year_chart(
    counts: Mapping[int, int],
    *,
    chart_id: str,
    title: str,
    unit: tuple[str, str],
    last_year: int,
) -> YearChart:
    """Return the chart of counts per year (see `year_rows` for the window it covers)."""
    return YearChart(chart_id, title, unit, tuple(year_rows(counts, last_year=last_year)))
