import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cogwg.choices import StatusReportState
from cogwg.feeds import ics_escape, ics_fold
from cogwg.models import StatusReport
from tests.factories import StatusReportFactory
from tests.site.builders import SECRET, build_site
from workplan.models import Milestone

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_atom_feed_lists_published_updates_accomplishments_and_stories_in_the_url_language(client, site):
    response = client.get("/fr/fil/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.attrib["{http://www.w3.org/XML/1998/namespace}lang"] == "fr"
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
    assert len(titles) == 4  # two published updates (not the draft one), an accomplishment, a story
    assert "Province no 0\u00a0: Lancement d'un portail 0" in titles
    assert "Trouver des cliniques 0" in titles
    assert any(title.startswith("Progrès de la priorité 1\u00a0: Diffuser des récits") for title in titles)
    links = [entry.find(f"{ATOM}link").attrib["href"] for entry in feed.iter(f"{ATOM}entry")]
    assert "http://testserver/fr/recits-utilisateurs/story-0/" in links
    assert SECRET not in response.content.decode()


@pytest.mark.parametrize(("size", "entries"), [(1, 4), (20, 30)])
def test_the_atom_feed_keeps_a_constant_number_of_queries(client, db, django_assert_num_queries, size, entries):
    build_site(size)

    # The data version, then one query per kind of entry.
    with django_assert_num_queries(4):
        response = client.get("/en/feed/")

    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    # At size 20, dozens of updates, accomplishments and stories: the feed keeps the 30 newest.
    assert len(list(feed.iter(f"{ATOM}entry"))) == entries


def test_the_milestone_calendar_is_valid_icalendar(client, site):
    response = client.get("/en/milestones.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert body.endswith("END:VCALENDAR\r\n")
    lines = body.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "\n" not in body.replace("\r\n", "")
    assert body.count("BEGIN:VEVENT") == body.count("END:VEVENT") == 2
    assert "DTSTART;VALUE=DATE:20200328\r\nDTEND;VALUE=DATE:20200329" in body
    unfolded = body.replace("\r\n ", "")
    assert "SUMMARY:Priority 1: Release stories\\, round 3" in unfolded
    assert "Status: On track\\, 40% done" in unfolded
    assert SECRET not in unfolded


def test_the_calendar_holds_every_published_milestone_and_no_draft(client, db):
    build_site(5)

    body = client.get("/fr/jalons.ics").content.decode()

    # Two per priority, and four more of the first priority's (build_site grows its page too).
    assert body.count("BEGIN:VEVENT") == Milestone.objects.published().count() == 2 * 5 + 4
    assert "SUMMARY:Priorité 1\u00a0: Diffuser des récits\\, ronde 3" in body.replace("\r\n ", "")


@pytest.mark.parametrize(
    ("address", "name"),
    [("/en/milestones.ics", "COGWG work plan milestones"), ("/fr/jalons.ics", "Jalons du plan de travail du GTGO")],
)
def test_the_calendar_is_named_in_its_language(client, db, address, name):
    body = client.get(address).content.decode()

    assert f"\r\nX-WR-CALNAME:{name}\r\n" in body


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("a, b; c\\d", "a\\, b\\; c\\\\d"), ("one\ntwo\r\nthree", "one\\ntwo\\nthree")],
)
def test_ics_text_is_escaped_as_rfc_5545_says(text, escaped):
    assert ics_escape(text) == escaped


def test_ics_lines_fold_at_75_octets_without_splitting_a_character():
    line = "DESCRIPTION:" + "é" * 100

    folded = ics_fold(line)

    pieces = folded.split("\r\n")
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert "".join(piece.removeprefix(" ") if i else piece for i, piece in enumerate(pieces)) == line


def test_the_sitemap_lists_every_public_page_in_both_languages(client, site):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    body = response.content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", body)
    assert "http://testserver/en/" in locations and "http://testserver/fr/" in locations
    assert "http://testserver/fr/plan-de-travail/2020/priority-1/" in locations
    assert "http://testserver/en/jurisdictions/j0/" in locations
    assert "http://testserver/fr/recits-utilisateurs/story-0/" in locations
    assert 'hreflang="fr" href="http://testserver/fr/administrations/j0/"' in body
    assert "2031" not in body and "secret" not in body


def frozen_report(state, **fields):
    return StatusReportFactory(state=state, content={"priorities": []}, frozen_at=timezone.now(), **fields)


def report_addresses(reports):
    addresses = []
    for report in reports:
        for language in ("en", "fr"):
            with translation.override(language):
                addresses.append(f"http://testserver{reverse('reports:detail', args=[report.pk])}")
    return addresses


def test_the_sitemap_lists_the_published_status_reports_in_both_languages_and_no_other(client, site):
    published = StatusReport.objects.get(state=StatusReportState.PUBLISHED)
    draft = StatusReport.objects.get(state=StatusReportState.DRAFT)
    final = frozen_report(StatusReportState.FINAL, work_plan=site.plan, title_en=SECRET, title_fr=SECRET)

    body = client.get("/sitemap.xml").content.decode()

    locations = re.findall(r"<loc>([^<]+)</loc>", body)
    assert "http://testserver/en/status-reports/" in locations
    assert "http://testserver/fr/rapports-etape/" in locations
    listed = report_addresses([published])
    assert [location for location in locations if location in report_addresses([published, draft, final])] == listed
    assert f'hreflang="fr" href="{listed[1]}"' in body


@pytest.mark.parametrize("size", [1, 20])
def test_the_sitemap_keeps_a_constant_number_of_queries(client, db, django_assert_num_queries, size):
    site = build_site(size)
    for _index in range(size):
        frozen_report(StatusReportState.PUBLISHED, work_plan=site.plan)

    # One query per kind of record (the fixed pages need none).
    with django_assert_num_queries(5):
        response = client.get("/sitemap.xml")

    assert response.status_code == 200
    # The list, the reports build_site() publishes and this test's.
    assert response.content.decode().count("<loc>http://testserver/en/status-reports/") == 1 + size + size
