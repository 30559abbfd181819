"""A lesson's current view printed to PDF in Chromium (issue 14): a clean handout.

Playwright's ``page.pdf`` prints as the browser's print dialog does: the ``print`` media type, and
the ``beforeprint`` and ``afterprint`` events around it (checked: the page script sees both). To
look at the print layout itself, the test first switches to the print media type and fires
``beforeprint`` by hand (the page script does its work once). The lesson is opened in presentation
mode at a deep link, so the handout must also unfold the folded explanations, as plain prose. The
PDF (read with pypdf) must have several pages holding the title, the linked value, the explanation
and the charts' own texts, and none of the sidebar's navigation, buttons or "Explanation" bars;
every chart is printed as a static copy that scales to the paper, and is never cut by a page break.
"""

from __future__ import annotations

import io

import pypdf

# Every chart in the print layout: is the live Plotly chart hidden, and its static copy there?
_JS_PRINTED_CHARTS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map((chart) => {
    const copy = chart.querySelector('.lossviz-print-chart');
    const images = copy ? [...copy.querySelectorAll('img')] : [];
    return {
        liveHidden: getComputedStyle(chart.querySelector('.js-plotly-plot')).display === 'none',
        images: images.filter((img) => img.src.startsWith('data:image/svg+xml') && img.naturalWidth > 0).length,
        height: copy ? copy.getBoundingClientRect().height : 0,
        breakInside: getComputedStyle(chart).breakInside,
    };
})"""


def test_lesson_prints_to_a_clean_pdf(open_page, screenshot_dir):
    """focal-loss?present=true&focal_gamma=3 prints to a multi-page PDF with text, charts, no chrome."""
    view = open_page("focal-loss", params={"present": "true", "focal_gamma": "3"})
    page = view.page
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")

    page.wait_for_function("() => [...document.querySelectorAll('.lossviz-print-chart img')]"
                           ".every((img) => img.complete && img.naturalWidth > 0)")
    charts = page.evaluate(_JS_PRINTED_CHARTS)
    assert len(charts) >= 5, "the lesson's charts are missing from the printed layout"
    for index, chart in enumerate(charts):
        assert chart["liveHidden"] and chart["images"] >= 1, f"chart {index} has no printable copy: {chart}"
        assert chart["height"] > 150, f"chart {index} collapsed in print: {chart}"
        assert chart["breakInside"] == "avoid", f"chart {index} may be split across pages"
    opened = page.evaluate("() => [...document.querySelectorAll('[data-testid=\"stExpander\"] details')]"
                           ".every((d) => d.open)")
    assert opened, "printing must open the folded explanations"

    pdf = page.pdf(format="A4", print_background=True)
    (screenshot_dir / "focal-loss-handout.pdf").write_bytes(pdf)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert 4 <= len(reader.pages) <= 20, f"{len(reader.pages)} pages"
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    for expected in (
        "Focal loss",
        "The question.",
        "p_t is the probability the model gives the",  # an explanation, folded on screen
        "with γ = 3",  # the linked value, in the prose
        "p_t, probability of the right class",  # a chart's axis title: the chart is in the PDF
        "Decision boundaries",  # the last chart's title
    ):
        assert expected in flat, f"{expected!r} is not in the printed PDF"
    for absent in ("Copy link to this view", "Copy embed code", "Figure as HTML", "Start here", "press E"):
        assert absent not in flat, f"{absent!r} (screen-only) was printed"
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
