"""The report as a slide deck, one slide per section like the Joint Councils deck of
27 February 2020: title, purpose, background, progress on the priorities, the user stories
inventory, accomplishments and challenges, next steps, then the annex (the work plan, one
slide per priority)."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Inches, Pt

from .view import report_view

# The default template's layouts (4:3, 10 by 7.5 inches).
TITLE, TITLE_AND_CONTENT, SECTION_HEADER, TITLE_ONLY = 0, 1, 2, 5
FIP = RGBColor(0x26, 0x37, 0x4A)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
LEFT, TOP, WIDTH, HEIGHT = Inches(0.5), Inches(1.5), Inches(9), Inches(5.6)


def _title(slide, text):
    slide.shapes.title.text = text
    for paragraph in slide.shapes.title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(28), True, FIP


def _fill(text_frame, items, size=16):
    """Bullets into a text frame: ``items`` are texts or ``(text, level)`` pairs."""
    text_frame.word_wrap = True
    first = True
    for item in items:
        value, level = item if isinstance(item, tuple) else (item, 0)
        paragraph = text_frame.paragraphs[0] if first else text_frame.add_paragraph()
        first = False
        paragraph.text, paragraph.level = value, level
        for run in paragraph.runs:
            run.font.size = Pt(size - 2 * level)


def _bullets(deck, title, items, size=18):
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_AND_CONTENT])
    _title(slide, title)
    _fill(slide.placeholders[1].text_frame, items, size)
    return slide


def _table(slide, rows, widths, *, top=TOP, size=11, header=True):
    shape = slide.shapes.add_table(len(rows), len(widths), LEFT, top, WIDTH, Inches(0.4) * len(rows))
    table = shape.table
    for index, width in enumerate(widths):
        table.columns[index].width = Inches(width)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = "" if value is None else str(value)
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)
                    if header and r == 0:
                        run.font.bold, run.font.color.rgb = True, WHITE
    return table


def _cover(deck, r):
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE])
    slide.shapes.title.text = _("Canada Open Government Working Group")
    lines = [r["meeting"]["title"]] if r["meeting"] else []
    lines += [r["report"]["title"], _("Status as of %(date)s") % {"date": r["report"]["as_of_label"]}]
    slide.placeholders[1].text = "\n".join(lines)


def _progress(deck, r):
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    _title(slide, _("Progress on the work plan priorities"))
    summary = slide.shapes.add_textbox(LEFT, Inches(1.3), WIDTH, Inches(0.5)).text_frame
    plan = r["work_plan"]
    _fill(summary, [f"{_('Overall status:')} {plan['status_label']} · {_('Progress:')} {plan['progress_label']}"], 14)
    due = pgettext("count of milestones due soon", "Due")
    rows = [[_("Priority"), _("Status"), _("Progress"), _("Completed"), due, _("Overdue")]]
    rows += [
        [
            p["heading"],
            p["status_label"],
            p["progress_label"],
            len(p["completed"]),
            len(p["due"]),
            len(p["overdue"]),
        ]
        for p in r["priorities"]
    ]
    _table(slide, rows, [3.9, 1.3, 1.0, 1.0, 0.9, 0.9], top=Inches(1.9))
    notes = [
        f"{p['number']}. {note['reported_on_label']} — {_dated(note['activity']['month'], note['note'])}"
        for p in r["priorities"]
        for note in p["latest_notes"]
    ]
    if notes:
        _bullets(deck, _("Latest notes"), notes, 14)


def _stories(deck, r):
    stories = r["stories"]
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    _title(slide, _("Open data user stories"))
    _fill(slide.shapes.add_textbox(LEFT, Inches(1.3), WIDTH, Inches(0.5)).text_frame, [stories["caption"]], 14)
    rows = [[_("User stories"), *stories["columns"]]]
    rows += [[row["label"], *row["values"]] for row in stories["rows"]]
    _table(slide, rows, [2.4, 2.2, 2.2, 2.2], top=Inches(1.9), size=14)
    note = slide.shapes.add_textbox(LEFT, Inches(1.9) + Inches(0.4) * len(rows) + Inches(0.3), WIDTH, Inches(1))
    _fill(note.text_frame, [stories["note"]], 12)


def _accomplishments_and_challenges(deck, r):
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    _title(slide, _("Major jurisdictional milestones and challenges"))
    _fill(slide.shapes.add_textbox(LEFT, Inches(1.3), WIDTH, Inches(0.5)).text_frame, [r["report"]["period_label"]], 14)
    half, top = Inches(4.4), Inches(1.9)
    left = slide.shapes.add_textbox(LEFT, top, half, HEIGHT - (top - TOP)).text_frame
    _fill(
        left,
        [_("Jurisdictional accomplishments")]
        + [
            (_("%(jurisdiction)s: %(title)s") % {"jurisdiction": item["jurisdiction_name"], "title": item["title"]}, 1)
            for item in r["accomplishments"]
        ]
        + ([] if r["accomplishments"] else [(_("None reported."), 1)]),
        16,
    )
    right = slide.shapes.add_textbox(LEFT + half + Inches(0.2), top, half, HEIGHT - (top - TOP)).text_frame
    _fill(
        right,
        [_("Ongoing challenges")]
        + [(f"{item['title']} ({item['status_label']})", 1) for item in r["challenges"]]
        + ([] if r["challenges"] else [(_("None reported."), 1)]),
        16,
    )
    for frame in (left, right):
        frame.paragraphs[0].runs[0].font.bold = True


def _dated(month, text):
    """ "June 2020: text", with the colon as the language writes it."""
    return _("%(month)s: %(description)s") % {"month": month, "description": text}


def _annex_activity(activity):
    """ "June 2020: text [Delayed, overdue]": its status, and whether it is overdue, as the
    page's and the PDF's annex show them."""
    marks = [activity["status_label"], *([_("overdue")] if activity["overdue"] else [])]
    return f"{_dated(activity['month'], activity['description'])} [{', '.join(marks)}]"


def _priority_annex(deck, priority):
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    _title(slide, priority["heading"])
    activities = "\n".join(_annex_activity(activity) for activity in priority["activities"])
    rows = [
        [_("Issue"), "\n".join([priority["issue"], *(f"→ {c}" for c in priority["consequences"])])],
        [_("Expected outcome"), "\n".join([priority["outcome"], *(f"→ {c}" for c in priority["results"])])],
        [_("Leads (L) and partners (P)"), priority["seats_label"]],
        [_("Activities"), activities],
    ]
    table = _table(slide, rows, [2.0, 7.0], size=10, header=False)
    for row in range(len(rows)):
        for run in table.cell(row, 0).text_frame.paragraphs[0].runs:
            run.font.bold = True


def render(content: dict, *, language: str) -> bytes:
    r = report_view(content, language)
    deck = Presentation()
    deck.core_properties.title = r["report"]["title"]
    deck.core_properties.language = language
    _cover(deck, r)
    if r["purpose"]:
        _bullets(deck, _("Purpose"), r["purpose"])
    for section in r["background"]:
        _bullets(deck, section["title"], ([section["intro"]] if section["intro"] else []) + section["points"], 16)
    _progress(deck, r)
    if r["stories"]:
        _stories(deck, r)
    _accomplishments_and_challenges(deck, r)
    if r["next_steps"]:
        items = []
        for step in r["next_steps"]:
            items.append(step["text"])
            items += [(child["text"], 1) for child in step["children"]]
        _bullets(deck, _("Some immediate next steps"), items, 18)
    annex = deck.slides.add_slide(deck.slide_layouts[SECTION_HEADER])
    annex.shapes.title.text = _("Annex")
    annex.placeholders[1].text = _("Work plan")
    overview = [p["heading"] for p in r["priorities"]]
    if r["work_plan"]["source_url"]:
        overview.append(_("More detailed information: %(url)s") % {"url": r["work_plan"]["source_url"]})
    _bullets(deck, r["work_plan"]["title"], overview, 18)
    for priority in r["priorities"]:
        _priority_annex(deck, priority)
    output = io.BytesIO()
    deck.save(output)
    return output.getvalue()
