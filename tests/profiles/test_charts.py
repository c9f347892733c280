"""Server-rendered SVG bar charts per year and the rows of the table behind them."""

import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template

from profiles import charts
from profiles.charts import YearValue, bar_chart_svg, nice_ceiling, year_chart, year_rows

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root: ET.Element) -> list[ET.Element]:
    return root.findall(f".//{SVG}rect")


def test_rows_cover_the_last_ten_years_with_missing_years_as_zero():
    rows = year_rows({2020: 3, 2024: 1}, last_year=2024)
    assert [row.year for row in rows] == list(range(2015, 2025))
    assert {row.year: row.value for row in rows if row.value} == {2020: 3, 2024: 1}
    assert sum(row.value == 0 for row in rows) == 8


def test_rows_reach_back_to_the_oldest_year_with_a_value():
    rows = year_rows({1990: 2, 2024: 1}, last_year=2024)
    assert rows[0] == YearValue(1990, 2)
    assert len(rows) == 35


def test_rows_never_span_more_than_the_maximum():
    rows = year_rows({1900: 5, 2024: 1}, last_year=2024, max_years=60)
    assert len(rows) == 60 and rows[0].year == 1965 and rows[-1] == YearValue(2024, 1)


def test_years_after_the_last_year_are_left_out():
    rows = year_rows({2030: 9, 2024: 1}, last_year=2024)
    assert rows[-1] == YearValue(2024, 1)
    assert all(row.year <= 2024 for row in rows)


def test_an_empty_record_still_gets_ten_zero_years():
    rows = year_rows({}, last_year=2024)
    assert [row.value for row in rows] == [0] * 10


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="negative"):
        year_rows({2020: -1}, last_year=2024)


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (10, 10), (11, 20), (4321, 5000)]
)
def test_the_scale_tops_out_at_a_round_number(value, top):
    assert nice_ceiling(value) == top


def test_the_svg_is_an_image_with_a_title_and_a_description():
    rows = year_rows({2020: 3, 2024: 1}, last_year=2024)
    root = parse(bar_chart_svg(rows, chart_id="works-per-year", title="Works per year",
                               unit=("work", "works")))  # fmt: skip
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "works-per-year-title works-per-year-desc"
    children = list(root)
    assert children[0].tag == f"{SVG}title" and children[0].text == "Works per year"
    assert children[0].get("id") == "works-per-year-title"
    assert children[1].tag == f"{SVG}desc"
    assert children[1].text == "4 works from 2015 to 2024; the most in one year: 3."


def test_one_bar_per_year_each_saying_its_value():
    rows = year_rows({2020: 3, 2024: 1}, last_year=2024)
    root = parse(
        bar_chart_svg(rows, chart_id="c", title="Citations", unit=("citation", "citations"))
    )
    found = bars(root)
    assert len(found) == 10
    tips = [bar.find(f"{SVG}title").text for bar in found]
    assert tips[0] == "2015: 0 citations"
    assert tips[5] == "2020: 3 citations"
    assert tips[-1] == "2024: 1 citation"


def test_bar_heights_follow_the_values():
    rows = [YearValue(2020, 10), YearValue(2021, 5), YearValue(2022, 0)]
    root = parse(bar_chart_svg(rows, chart_id="c", title="t", unit=("work", "works")))
    heights = [float(bar.get("height")) for bar in bars(root)]
    plot = charts.HEIGHT - charts.MARGIN_TOP - charts.MARGIN_BOTTOM
    assert heights == [plot, plot / 2, 0.0]
    # Every bar stands on the same baseline.
    bottoms = {round(float(bar.get("y")) + float(bar.get("height")), 1) for bar in bars(root)}
    assert bottoms == {float(charts.MARGIN_TOP + plot)}


def test_year_labels_never_crowd_and_the_last_year_is_always_labelled():
    rows = year_rows({1970: 1, 2024: 1}, last_year=2024)
    root = parse(bar_chart_svg(rows, chart_id="c", title="t", unit=("work", "works")))
    labels = [t.text for t in root.findall(f"{SVG}text") if t.get("class") == "chart__year"]
    assert len(labels) <= charts.MAX_YEAR_LABELS
    assert labels[-1] == "2024"


def test_big_numbers_are_grouped():
    rows = [YearValue(2024, 12345)]
    svg = bar_chart_svg(rows, chart_id="c", title="t", unit=("citation", "citations"))
    assert "2024: 12,345 citations" in svg
    assert ">20,000<" in svg  # the scale's top


def test_no_script_no_style_attribute_no_event_handler():
    rows = year_rows({2020: 3}, last_year=2024)
    root = parse(bar_chart_svg(rows, chart_id="c", title="t", unit=("work", "works")))
    for element in root.iter():
        assert element.tag not in (f"{SVG}script", f"{SVG}style", f"{SVG}foreignObject")
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)


def test_every_text_is_escaped():
    rows = [YearValue(2024, 1)]
    svg = bar_chart_svg(
        rows, chart_id="c", title='</title><script>alert("x")</script>', unit=("<b>", "<b>s")
    )
    assert "<script" not in svg and "<b>" not in svg
    root = parse(svg)  # still well-formed
    assert root.find(f"{SVG}title").text == '</title><script>alert("x")</script>'


@pytest.mark.parametrize("chart_id", ["", "1abc", 'x" onload="alert(1)', "a b", "x" * 70])
def test_a_chart_id_that_is_not_a_plain_html_id_is_refused(chart_id):
    with pytest.raises(ValueError, match="chart_id"):
        bar_chart_svg([YearValue(2024, 1)], chart_id=chart_id, title="t", unit=("w", "ws"))


def test_a_chart_needs_a_year():
    with pytest.raises(ValueError, match="at least one year"):
        bar_chart_svg([], chart_id="c", title="t", unit=("w", "ws"))


def test_templates_render_the_svg_as_markup_and_the_rows_as_a_table():
    chart = year_chart(
        {2023: 2, 2024: 5},
        chart_id="works-per-year",
        title="Works per year",
        unit=("work", "works"),
        last_year=2024,
    )
    assert chart.total == 7 and chart.column_label == "Works" and len(chart.rows) == 10
    html = Template(
        "{{ chart.svg }}<table><tr><th>Year</th><th>{{ chart.column_label }}</th></tr>"
        "{% for row in chart.rows %}<tr><td>{{ row.year }}</td><td>{{ row.value }}</td></tr>"
        "{% endfor %}</table>"
    ).render(Context({"chart": chart}))
    assert html.startswith('<svg xmlns="http://www.w3.org/2000/svg"')  # not escaped
    assert "<tr><td>2024</td><td>5</td></tr>" in html
    assert "<tr><td>2015</td><td>0</td></tr>" in html
