"""The report as a slide deck, one slide per section like the Joint Councils deck of
27 February 2020: title, purpose, background, progress on the priorities, the user stories
inventory, accomplishments and challenges, next steps, then the annex (the work plan, one
slide per priority).

A slide holds what fits in it: each text is measured before it is placed (``text_height``,
an estimate from its characters), a list longer than its box goes on to follow-on slides
("Latest notes (2/3)"), and a title too long for its box at 28 pt is set smaller. Every
text is marked in the report's language (en-CA, fr-CA), as is the deck's default text
style, so that screen readers and spelling checkers read it as written."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from .view import report_view

# The default template's layouts (4:3, 10 by 7.5 inches).
TITLE, TITLE_AND_CONTENT, SECTION_HEADER, TITLE_ONLY = 0, 1, 2, 5
FIP = RGBColor(0x26, 0x37, 0x4A)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
LEFT, TOP, WIDTH, HEIGHT = Inches(0.5), Inches(1.5), Inches(9), Inches(5.6)
LANGUAGE_TAGS = {"en": "en-CA", "fr": "fr-CA"}

# Font sizes (points), largest first: a text takes the largest at which it fits its box.
# A title's is 28 pt up to 60 characters, 24 pt up to 90 and 20 pt beyond, smaller still
# should its box need.
TITLE_SIZES = (28, 24, 20, 18, 16)
TITLE_LENGTHS = ((60, 28), (90, 24))
COVER_TITLE_SIZES = (44, 40, 36, 32, 28)
COVER_SUBTITLE_SIZES = (20, 18, 16, 14)
SMALLEST = 10

# A text's estimated height (``text_height``): the theme's font (Calibri) averages under
# half its size a character, a little more in bold; a line is 1.2 times the size, and a
# paragraph after the first has a fifth of its size above it (the template's spacing). A
# frame keeps 0.1 in clear at each side and 0.05 in above and below its text; a bullet's
# text starts up to 0.4 in in, and each level of a list 0.45 in further.
CHARACTER_WIDTH, BOLD_CHARACTER_WIDTH = 0.5, 0.55
LINE_HEIGHT, PARAGRAPH_SPACE = 1.2, 0.2
SIDE_INSETS, END_INSETS = Inches(0.2), Inches(0.1)
BULLET_INDENT, LEVEL_INDENT = Inches(0.4), Inches(0.45)


def _line_count(text, per_line):
    """The lines ``text`` takes, wrapped at word boundaries ``per_line`` characters wide (a
    word longer than a line runs on to the next ones)."""
    count = 0
    for part in text.split("\n"):
        lines, used = 1, 0
        for word in part.split():
            if used and used + 1 + len(word) <= per_line:
                used += 1 + len(word)
                continue
            if used:
                lines += 1
            lines += (len(word) - 1) // per_line
            used = (len(word) - 1) % per_line + 1
        count += lines
    return count


def text_height(paragraphs, width):
    """The estimated height (EMU) of ``paragraphs``, each ``(text, size in points, bold,
    level)``, in a text frame ``width`` (EMU) wide."""
    height = END_INSETS
    for index, (text, size, bold, level) in enumerate(paragraphs):
        room = width - SIDE_INSETS - BULLET_INDENT - LEVEL_INDENT * level
        character = Pt(size) * (BOLD_CHARACTER_WIDTH if bold else CHARACTER_WIDTH)
        lines = _line_count(text, max(1, int(room / character)))
        height += Pt(size) * (LINE_HEIGHT * lines + (PARAGRAPH_SPACE if index else 0))
    return int(height)


def table_height(rows, widths, size, *, header=True):
    """The estimated height (EMU) of a table's ``rows`` in columns ``widths`` (inches) wide:
    each row as tall as its tallest cell, and at least the 0.4 in ``_table`` gives it."""
    return sum(
        max(
            Inches(0.4),
            *(
                text_height([(text, size, header and index == 0, 0) for text in str(value).split("\n")], Inches(width))
                for value, width in zip(row, widths, strict=True)
            ),
        )
        for index, row in enumerate(rows)
    )


def _items(items):
    """``items`` as ``(text, level)`` pairs: a text alone is at level 0."""
    return [item if isinstance(item, tuple) else (item, 0) for item in items]


def _paragraphs(items, size, *, bold_first=False, bold=False):
    """``(text, level)`` items as ``text_height`` measures them: a level is 2 pt smaller."""
    return [
        (text, size - 2 * level, bold or (bold_first and index == 0), level)
        for index, (text, level) in enumerate(items)
    ]


def _fitting_size(items, width, height, sizes, *, bold_first=False, bold=False):
    """The largest of ``sizes`` at which ``items`` fit in ``width`` by ``height``; the
    smallest should none."""
    for size in sizes:
        if text_height(_paragraphs(items, size, bold_first=bold_first, bold=bold), width) <= height:
            return size
    return sizes[-1]


def _smaller(size):
    """``size``, then each size 2 pt smaller down to ``SMALLEST``: for a text that fits at
    none of them (a single note of many paragraphs) to fit at a smaller one."""
    return tuple(range(size, SMALLEST - 1, -2))


def _fill(text_frame, items, size=16, *, bold_first=False, bold=False, color=None):
    """Paragraphs into a text frame: ``items`` are texts or ``(text, level)`` pairs, a level
    2 pt smaller than the one above."""
    text_frame.word_wrap = True
    paragraphs = _paragraphs(_items(items), size, bold_first=bold_first, bold=bold)
    for index, (text, run_size, is_bold, level) in enumerate(paragraphs):
        paragraph = text_frame.paragraphs[0] if index == 0 else text_frame.add_paragraph()
        paragraph.text, paragraph.level = text, level
        for run in paragraph.runs:
            run.font.size = Pt(run_size)
            if is_bold:
                run.font.bold = True
            if color is not None:
                run.font.color.rgb = color


def _fit(shape, items, sizes, *, bold_first=False, bold=False, color=None):
    """``items`` into ``shape`` at the largest of ``sizes`` at which they fit it."""
    items = _items(items)
    size = _fitting_size(items, shape.width, shape.height, sizes, bold_first=bold_first, bold=bold)
    _fill(shape.text_frame, items, size, bold_first=bold_first, bold=bold, color=color)


def _title(slide, text):
    largest = next((size for length, size in TITLE_LENGTHS if len(text) <= length), 20)
    sizes = tuple(size for size in TITLE_SIZES if size <= largest)
    _fit(slide.shapes.title, [text], sizes, bold=True, color=FIP)


def _textbox(slide, left, top, width, height, items, size, *, bold_first=False):
    _fit(slide.shapes.add_textbox(left, top, width, height), items, _smaller(size), bold_first=bold_first)


def _pages(groups, fits):
    """``groups`` of items spread over pages, in order, each page holding what ``fits(items)``
    allows. A group (a next step and its sub-steps) moves whole to the next page where the
    current one cannot take it, and is split only when a page of its own cannot either; an
    item too long for a page of its own has one."""
    pages = [[]]
    for group in groups:
        if pages[-1] and not fits(pages[-1] + group):
            pages.append([])
        for item in group:
            if pages[-1] and not fits(pages[-1] + [item]):
                pages.append([])
            pages[-1].append(item)
    return pages


def _numbered(title, number, count):
    """A slide's title, numbered when its section takes several: "Latest notes (2/3)"."""
    return title if count == 1 else f"{title} ({number}/{count})"


def _bullets(deck, title, items, size=18):
    """A title and bullets, on as many slides as the bullets need: ``items`` are texts,
    ``(text, level)`` pairs, or lists of them kept together where they fit."""
    layout = deck.slide_layouts[TITLE_AND_CONTENT]
    box = layout.placeholders.get(idx=1)
    groups = [_items(item if isinstance(item, list) else [item]) for item in items]
    pages = _pages(groups, lambda page: text_height(_paragraphs(page, size), box.width) <= box.height)
    for number, page in enumerate(pages, 1):
        slide = deck.slides.add_slide(layout)
        _title(slide, _numbered(title, number, len(pages)))
        _fit(slide.placeholders[1], page, _smaller(size))


def _table(slide, rows, widths, *, top=TOP, size=11, header=True, first_col=False):
    """A table whose first row holds its column headers (``header``), and its first column
    its row headers (``first_col``): PowerPoint's header row and first column, which screen
    readers announce as headers."""
    shape = slide.shapes.add_table(len(rows), len(widths), LEFT, top, WIDTH, Inches(0.4) * len(rows))
    table = shape.table
    table.first_row, table.first_col = header, first_col
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
    _fit(slide.shapes.title, [_("Canada Open Government Working Group")], COVER_TITLE_SIZES)
    lines = [r["meeting"]["title"]] if r["meeting"] else []
    lines += [r["report"]["title"], _("Status as of %(date)s") % {"date": r["report"]["as_of_label"]}]
    _fit(slide.placeholders[1], lines, COVER_SUBTITLE_SIZES)


def _progress(deck, r):
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    _title(slide, _("Progress on the work plan priorities"))
    plan = r["work_plan"]
    summary = f"{_('Overall status:')} {plan['status_label']} · {_('Progress:')} {plan['progress_label']}"
    _textbox(slide, LEFT, Inches(1.3), WIDTH, Inches(0.5), [summary], 14)
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
    _table(slide, rows, [3.9, 1.3, 1.0, 1.0, 0.9, 0.9], top=Inches(1.9), first_col=True)
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
    _textbox(slide, LEFT, Inches(1.3), WIDTH, Inches(0.5), [stories["caption"]], 14)
    rows = [[_("User stories"), *stories["columns"]]]
    rows += [[row["label"], *row["values"]] for row in stories["rows"]]
    widths = [2.4, 2.2, 2.2, 2.2]
    _table(slide, rows, widths, top=Inches(1.9), size=14, first_col=True)
    # Below the table as its headers (each stretch of days, named with its dates) wrap it.
    top = Inches(1.9) + table_height(rows, widths, 14) + Inches(0.2)
    _textbox(slide, LEFT, top, WIDTH, Inches(1), [stories["note"]], 12)


def _accomplishments_and_challenges(deck, r):
    """Two columns, the accomplishments and the challenges, on as many slides as the longer
    one needs; a column that ends before the other is left out of the slides after."""
    columns = [
        (
            _("Jurisdictional accomplishments"),
            [
                _("%(jurisdiction)s: %(title)s") % {"jurisdiction": item["jurisdiction_name"], "title": item["title"]}
                for item in r["accomplishments"]
            ]
            or [_("None reported.")],
        ),
        (
            _("Ongoing challenges"),
            [f"{item['title']} ({item['status_label']})" for item in r["challenges"]] or [_("None reported.")],
        ),
    ]
    half, top, size = Inches(4.4), Inches(1.9), 16
    height = HEIGHT - (top - TOP)

    def fits(heading):
        return lambda page: text_height(_paragraphs([(heading, 0), *page], size, bold_first=True), half) <= height

    pages = [_pages([[(item, 1)] for item in items], fits(heading)) for heading, items in columns]
    count = max(len(column) for column in pages)
    for number in range(count):
        slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
        _title(slide, _numbered(_("Major jurisdictional milestones and challenges"), number + 1, count))
        _textbox(slide, LEFT, Inches(1.3), WIDTH, Inches(0.5), [r["report"]["period_label"]], 14)
        for index, ((heading, _texts), column) in enumerate(zip(columns, pages, strict=True)):
            if number < len(column):
                left = LEFT + (half + Inches(0.2)) * index
                _textbox(slide, left, top, half, height, [(heading, 0), *column[number]], size, bold_first=True)


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
    # The headers are the first column's cells, every row is data.
    table = _table(slide, rows, [2.0, 7.0], size=10, header=False, first_col=True)
    for row in range(len(rows)):
        for run in table.cell(row, 0).text_frame.paragraphs[0].runs:
            run.font.bold = True


def _mark_language(deck, tag):
    """Every text of the deck in ``tag``'s language, and its default text style too (what a
    text added later, or without a run's own properties, is in)."""
    for default in deck.element.xpath("./p:defaultTextStyle/a:defPPr/a:defRPr"):
        default.set("lang", tag)
    for slide in deck.slides:
        for run in slide.element.iter(qn("a:r")):
            run.get_or_add_rPr().set("lang", tag)
        for end in slide.element.iter(qn("a:endParaRPr")):
            end.set("lang", tag)


def render(content: dict, *, language: str) -> bytes:
    r = report_view(content, language)
    deck = Presentation()
    product = _("COGWG Work-Plan Tracker")
    properties = deck.core_properties
    properties.title = r["report"]["title"]
    properties.language = LANGUAGE_TAGS[language]
    properties.author = properties.last_modified_by = product
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
        steps = [[(step["text"], 0), *((child["text"], 1) for child in step["children"])] for step in r["next_steps"]]
        _bullets(deck, _("Some immediate next steps"), steps, 18)
    annex = deck.slides.add_slide(deck.slide_layouts[SECTION_HEADER])
    _fit(annex.shapes.title, [_("Annex")], (40, 36, 32, 28))
    _fit(annex.placeholders[1], [_("Work plan")], (20, 18, 16))
    overview = [p["heading"] for p in r["priorities"]]
    if r["work_plan"]["source_url"]:
        overview.append(_("More detailed information: %(url)s") % {"url": r["work_plan"]["source_url"]})
    _bullets(deck, r["work_plan"]["title"], overview, 18)
    for priority in r["priorities"]:
        _priority_annex(deck, priority)
    _mark_language(deck, LANGUAGE_TAGS[language])
    output = io.BytesIO()
    deck.save(output)
    return output.getvalue()
