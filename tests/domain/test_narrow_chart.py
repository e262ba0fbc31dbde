"""The score chart's narrow layout, shown on the attempt page on a phone, never in the PDF."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from hiring.reports import pdf
from hiring.reports.chart import NARROW_WIDTH, bars_svg, narrow_bars_svg
from tests.domain.test_reports import (
    SVG,
    make_judgement,
    make_profile,
    make_scales,
    make_subscores,
)


def groups(subscores=None):
    return [("Scores", [make_judgement(), *make_scales()]),
            ("Behavioural dimensions", make_subscores() if subscores is None else subscores)]


def test_the_narrow_chart_draws_what_the_wide_one_does() -> None:
    wide = ET.fromstring(bars_svg(groups(), (50, 70)))  # noqa: S314 - our own output
    narrow = ET.fromstring(narrow_bars_svg(groups(), (50, 70)))  # noqa: S314 - our own output

    assert narrow.get("width") == str(NARROW_WIDTH) and "narrow" in narrow.get("class")
    texts = [t.text or "" for t in narrow.iter(f"{SVG}text")]
    legend = "indication, with its 95% band: too wide to rank"  # wrapped on two lines
    expected = {t.text or "" for t in wide.iter(f"{SVG}text")} - {legend}
    assert set(texts) == expected | {"indication, with its 95% band: too wide to", "rank"}
    for shape in ("rect", "circle"):
        assert (len(list(narrow.iter(f"{SVG}{shape}")))
                == len(list(wide.iter(f"{SVG}{shape}")))), shape
    assert len([line for line in narrow.iter(f"{SVG}line")
                if line.get("stroke-dasharray") == "3 2"]) == 2 + 1


def test_the_narrow_chart_escapes_labels() -> None:
    subscores = make_subscores()
    subscores[0] = replace(subscores[0], name='Tone <&> "tact"')
    svg = narrow_bars_svg(groups(subscores), (50, 70), pdf.ChartLabels(band="<b>"))
    assert "&lt;&amp;&gt;" in svg and "&lt;b&gt;" in svg
    ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted XML


def test_only_the_attempt_page_gets_the_narrow_chart() -> None:
    profile = make_profile()
    page = pdf.render_profile_html(profile, standalone=False)
    assert page.count('class="scorebars"') == 1 and page.count('class="scorebars narrow"') == 1
    printed = pdf._render_html(profile, standalone=True, stylesheet=None, for_pdf=True)
    assert printed.count('class="scorebars"') == 1 and "scorebars narrow" not in printed
