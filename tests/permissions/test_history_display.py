"""What the History pages and the audit page show of the kept versions: every field a
version changed (those set by the services too), with its values in the reader's
language, many-to-many changes by their members' names, no version that changed
nothing on the audit page, breadcrumbs naming the model, and the audit page's filters."""

import datetime
import json
import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation
from django.utils.html import escape

from cogwg.admin_audit import AuditFilterForm
from cogwg.audit import FieldChange
from cogwg.cycles import period_close
from cogwg.models import ReportingPeriod, StatusReport
from cogwg.permissions import CONTRIBUTOR
from cogwg.reports.services import report_freeze
from cogwg.services import record_submit
from jurisdictions.models import Accomplishment, Challenge, Jurisdiction
from tests.factories import (
    AccomplishmentFactory,
    ChallengeFactory,
    JurisdictionFactory,
    PriorityFactory,
    ReportingPeriodFactory,
    StatusReportFactory,
)
from tests.permissions.conftest import make_user
from tests.permissions.test_admin_review_fixes import en, fr, text
from tests.test_admin import admin_url, form_data

# The session and its user, the count and the page's keys, the page's versions and those
# before them, their jurisdictions and the jurisdictions' names, and the users.
FILTERED_AUDIT_QUERIES = 9


def history_url(language, record):
    opts = record._meta
    return language(f"admin:{opts.app_label}_{opts.model_name}_history", record.pk)


def visible(response):
    """The text of a page, its no-break spaces kept (``text`` makes them spaces)."""
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", response.content.decode(), flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def latest_changes(client, language, record):
    """The changed fields of ``record``'s latest version on its History page."""
    return client.get(history_url(language, record)).context["page_obj"][0].history_delta_changes


def audit_rows(client, language=en, **filters):
    return [row["change"] for row in client.get(language("admin:audit"), filters).context["rows"]]


def of(changes, model, record):
    return [change for change in changes if change.model is model and change.object_id == record.pk]


# 1. Fields no form edits are listed


def test_closing_a_period_lists_its_status_and_who_closed_it_when(staff_client, staff):
    period = ReportingPeriodFactory()

    period_close(period=period, by=staff, on=datetime.date(2020, 8, 1))

    period.refresh_from_db()
    changes = latest_changes(staff_client, en, period)
    with translation.override("en"):
        closed_at = formats.date_format(timezone.localtime(period.closed_at), "DATETIME_FORMAT")
    assert changes == [
        {"field": "Closed at", "old": "—", "new": closed_at},
        {"field": "Closed by", "old": "—", "new": "secretariat"},
        {"field": "Status", "old": "Open", "new": "Closed"},
    ]
    (closing, _opening) = of(audit_rows(staff_client), ReportingPeriod, period)
    assert closing.fields == ["closed at", "closed by", "status"]


def test_freezing_a_report_names_its_content_without_dumping_it(staff_client, staff):
    report = StatusReportFactory()

    report_freeze(report=report, by=staff)

    report.refresh_from_db()
    changes = {change["field"]: (change["old"], change["new"]) for change in latest_changes(staff_client, en, report)}
    assert list(changes) == ["Checksum (SHA-256)", "Frozen at", "Frozen by", "Frozen content", "State"]
    assert changes["State"] == ("Draft", "Final (frozen)")
    assert changes["Checksum (SHA-256)"] == ("—", report.checksum)
    assert changes["Frozen by"] == ("—", "secretariat")
    (before, after) = changes["Frozen content"]
    assert before == "—"
    assert re.fullmatch(r"data \(\d+\u00a0bytes\)", after)  # its size, not the content
    (freezing, _creation) = of(audit_rows(staff_client), StatusReport, report)
    assert freezing.fields == ["checksum (SHA-256)", "frozen at", "frozen by", "frozen content", "state"]
    start = json.dumps(report.content)[:30]
    for page in (staff_client.get(history_url(en, report)), staff_client.get(en("admin:audit"))):
        assert start not in page.content.decode()
        assert escape(start) not in page.content.decode()


def test_submitting_lists_who_submitted_and_when(staff_client, roles):
    accomplishment = AccomplishmentFactory(publication_state="draft")
    contributor = make_user("alice", CONTRIBUTOR, jurisdictions=[accomplishment.jurisdiction])

    record_submit(record=accomplishment, by=contributor)

    changes = latest_changes(staff_client, en, accomplishment)
    assert [change["field"] for change in changes] == ["Publication state", "Submitted at", "Submitted by"]
    assert changes[2] == {"field": "Submitted by", "old": "—", "new": "alice"}
    (submission, _creation) = of(audit_rows(staff_client), Accomplishment, accomplishment)
    assert submission.fields == ["publication state", "submitted at", "submitted by"]


# 2. Values in the reader's language


def test_an_emptied_foreign_key_reads_as_a_dash_and_a_deleted_one_by_its_id(staff_client):
    gone, other = PriorityFactory(title_en="Gone"), PriorityFactory(title_en="Other", title_fr="Autre")
    accomplishment = AccomplishmentFactory(priority=gone)
    accomplishment.priority = other
    accomplishment.save()
    accomplishment.priority = None
    accomplishment.save()
    gone_pk = gone.pk
    gone.delete()

    french = staff_client.get(history_url(fr, accomplishment))
    english = staff_client.get(history_url(en, accomplishment))

    (emptied, moved) = (record.history_delta_changes for record in french.context["page_obj"][:2])
    assert emptied == [{"field": "Priorité favorisée", "old": f"{other.number}. Autre", "new": "—"}]
    assert moved == [
        {"field": "Priorité favorisée", "old": f"enregistrement supprimé (#{gone_pk})", "new": f"{other.number}. Autre"}
    ]
    assert f"Priority advanced: deleted (#{gone_pk}) → {other.number}. Other" in visible(english)
    for page in (french, english):
        assert "pk=" not in page.content.decode()
        assert "None" not in text(page.content.decode())
    changes = [change.changes for change in of(audit_rows(staff_client, fr), Accomplishment, accomplishment)[:2]]
    assert changes == [
        [FieldChange("priorité favorisée", f"{other.number}. Autre", "—")],
        [FieldChange("priorité favorisée", f"enregistrement supprimé (#{gone_pk})", f"{other.number}. Autre")],
    ]


def test_booleans_read_yes_or_no_in_the_readers_language(staff_client):
    jurisdiction = JurisdictionFactory(is_member=True)
    jurisdiction.is_member = False
    jurisdiction.save()

    french = latest_changes(staff_client, fr, jurisdiction)
    english = latest_changes(staff_client, en, jurisdiction)

    assert french == [{"field": "Membre du GTGO", "old": "Oui", "new": "Non"}]
    assert english == [{"field": "Member of COGWG", "old": "Yes", "new": "No"}]
    (change, _creation) = of(audit_rows(staff_client, fr), Jurisdiction, jurisdiction)
    assert change.changes == [FieldChange("membre du GTGO", "Oui", "Non")]


def test_dates_read_as_the_language_writes_them_and_no_date_as_a_dash(staff_client):
    accomplishment = AccomplishmentFactory(date=None)
    accomplishment.date = datetime.date(2020, 3, 1)
    accomplishment.save()
    accomplishment.date = datetime.date(2020, 6, 30)
    accomplishment.save()

    page = staff_client.get(history_url(fr, accomplishment))
    french = [record.history_delta_changes for record in page.context["page_obj"][:2]]
    english = latest_changes(staff_client, en, accomplishment)

    assert french == [
        [{"field": "Date", "old": "1er mars 2020", "new": "30 juin 2020"}],
        [{"field": "Date", "old": "—", "new": "1er mars 2020"}],
    ]
    assert english == [{"field": "Date", "old": "March 1, 2020", "new": "June 30, 2020"}]
    (latest, *_rest) = of(audit_rows(staff_client, fr), Accomplishment, accomplishment)
    assert latest.changes == [FieldChange("date", "1er mars 2020", "30 juin 2020")]


def test_a_translated_field_is_listed_by_language_only(staff_client):
    accomplishment = AccomplishmentFactory(title_en="Portal", title_fr="Portail")
    accomplishment.title_en = "Open portal"
    accomplishment.save()

    french = staff_client.get(history_url(fr, accomplishment))

    assert french.context["page_obj"][0].history_delta_changes == [
        {"field": "Titre [en]", "old": "Portal", "new": "Open portal"}
    ]
    assert "Titre [en]\u00a0: Portal → Open portal" in visible(french)
    assert "Titre\u00a0:" not in visible(french)
    (latest, _creation) = of(audit_rows(staff_client, fr), Accomplishment, accomplishment)
    assert latest.fields == ["titre [en]"]


# 3. The version page's breadcrumbs name the app and the model


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (fr, "Accueil / Plan de travail / Priorités / 1. Priorité / Historique / Rétablir priorité"),
        (en, "Home / Work plan / Priorities / 1. Priority / History / Revert priority"),
    ],
)
def test_a_versions_breadcrumbs_name_the_app_and_the_model(staff_client, language, expected):
    priority = PriorityFactory(number=1, title_en="Priority", title_fr="Priorité")
    version = priority.history.get()

    page = staff_client.get(language("admin:workplan_priority_simple_history", priority.pk, version.history_id))

    breadcrumbs = re.search(r'<div class="breadcrumbs">(.*?)</div>', page.content.decode(), re.S).group(1)
    assert text(breadcrumbs).replace(" &rsaquo; ", " / ").strip() == expected
    assert "istorical" not in breadcrumbs


def test_a_read_only_history_is_titled_in_french(staff_client, staff):
    report = report_freeze(report=StatusReportFactory(title_fr="Rapport de juin"), by=staff)

    page = staff_client.get(history_url(fr, report))

    assert page.context["revert_disabled"] is True
    assert str(page.context["title"]) == "Historique\u00a0: Rapport de juin"
    assert "Historique de vue" not in page.content.decode()


# 4. Many-to-many changes


def test_a_change_of_jurisdictions_is_one_row_naming_them_on_the_audit_page(staff_client):
    challenge = ChallengeFactory()
    ontario = JurisdictionFactory(code="ON", name_en="Ontario", name_fr="Ontario")
    url = admin_url(Challenge, "change", challenge.pk)

    response = staff_client.post(url, form_data(staff_client.get(url)) | {"jurisdictions": [str(ontario.pk)]})

    assert response.status_code == 302
    assert challenge.history.count() == 3  # the save, then the jurisdictions'
    rows = of(audit_rows(staff_client), Challenge, challenge)
    assert [(row.kind, row.changes) for row in rows] == [
        ("~", [FieldChange("jurisdictions", "—", "Ontario", added=("Ontario",))]),
        ("+", []),
    ]
    assert "Jurisdictions: — → Ontario (added: Ontario)" in visible(staff_client.get(en("admin:audit")))


def test_a_removed_jurisdiction_is_named_in_the_readers_language(staff_client):
    ontario = JurisdictionFactory(code="ON", name_en="Ontario", name_fr="Ontario")
    quebec = JurisdictionFactory(code="QC", name_en="Quebec", name_fr="Québec")
    challenge = ChallengeFactory()
    challenge.jurisdictions.set([ontario, quebec])
    challenge.jurisdictions.remove(quebec)

    (removal, *_rest) = of(audit_rows(staff_client, fr), Challenge, challenge)
    history = latest_changes(staff_client, fr, challenge)

    assert removal.changes == [FieldChange("administrations", "Ontario, Québec", "Ontario", removed=("Québec",))]
    assert "Administrations\u00a0: Ontario, Québec → Ontario (retrait\u00a0: Québec)" in visible(
        staff_client.get(fr("admin:audit"))
    )
    assert history == [{"field": "Administrations", "old": "Ontario, Québec", "new": "Ontario"}]


def test_a_history_page_reads_many_to_many_members_in_constant_queries(staff_client):
    challenge = ChallengeFactory()
    jurisdictions = [JurisdictionFactory() for _n in range(10)]
    challenge.jurisdictions.add(jurisdictions[0])
    url = history_url(en, challenge)
    staff_client.get(url)
    with CaptureQueriesContext(connection) as few:
        small = staff_client.get(url)
    for jurisdiction in jurisdictions[1:]:
        challenge.jurisdictions.add(jurisdiction)

    with CaptureQueriesContext(connection) as many:
        large = staff_client.get(url)

    assert (len(small.context["page_obj"]), len(large.context["page_obj"])) == (2, 11)
    assert len(many) == len(few)


def test_the_oldest_version_of_a_history_page_is_compared_with_the_one_before(staff_client, monkeypatch):
    accomplishment = AccomplishmentFactory(title_en="One")
    for title in ("Two", "Three"):
        accomplishment.title_en = title
        accomplishment.save()
    monkeypatch.setattr(admin.site._registry[Accomplishment], "history_list_per_page", 2)

    first_page = staff_client.get(history_url(en, accomplishment)).context["page_obj"]

    assert [record.history_delta_changes for record in first_page] == [
        [{"field": "Title [en]", "old": "Two", "new": "Three"}],
        [{"field": "Title [en]", "old": "One", "new": "Two"}],
    ]


# 5. The audit page's filters


@pytest.fixture
def changes(staff):
    """A challenge edited then deleted, and an accomplishment created and edited."""
    challenge = ChallengeFactory(title_en="Broken link checker", title_fr="Vérificateur de liens")
    challenge.title_fr = "Vérificateur de liens brisés"
    challenge.save()
    challenge.delete()
    accomplishment = AccomplishmentFactory(title_en="Open portal", title_fr="Portail ouvert")
    accomplishment.title_fr = "Portail des données ouvertes"
    accomplishment.save()
    return challenge, accomplishment


def test_the_audit_page_lists_one_kind_of_record(staff_client, changes):
    rows = audit_rows(staff_client, model="jurisdictions.challenge")

    assert [(row.model, row.kind, row.label) for row in rows] == [
        (Challenge, "-", "Broken link checker"),
        (Challenge, "~", "Broken link checker"),
        (Challenge, "+", "Broken link checker"),
    ]


def test_the_audit_page_finds_a_deleted_record_by_its_name_in_either_language(staff_client, changes):
    english = audit_rows(staff_client, kind="deleted", q="broken")
    french_name = audit_rows(staff_client, kind="deleted", q="vérificateur")
    french_page = staff_client.get(fr("admin:audit"), {"kind": "deleted", "q": "link"})

    assert [(row.model, row.kind, row.label) for row in english] == [(Challenge, "-", "Broken link checker")]
    assert [(row.model, row.kind) for row in french_name] == [(Challenge, "-")]
    assert [row["change"].label for row in french_page.context["rows"]] == ["Vérificateur de liens brisés"]
    assert "1 version trouvée." in text(french_page.content.decode())


def test_the_audit_page_lists_one_action(staff_client, changes):
    _challenge, accomplishment = changes

    rows = audit_rows(staff_client, kind="changed", q="portail")

    assert [(row.model, row.object_id, row.kind, row.fields) for row in rows] == [
        (Accomplishment, accomplishment.pk, "~", ["title [fr]"])
    ]


def test_a_search_that_matches_nothing_says_so(staff_client, changes):
    page = staff_client.get(fr("admin:audit"), {"q": "nowhere"})

    assert page.context["rows"] == []
    assert "Aucune modification ne correspond à ces filtres." in text(page.content.decode())


@pytest.mark.parametrize(
    ("filters", "field", "message"),
    [
        ({"model": "cogwg.nothing"}, "model", "Sélectionnez un choix valide. cogwg.nothing n\u2019en fait pas partie."),
        ({"kind": "erased"}, "kind", "Sélectionnez un choix valide. erased n\u2019en fait pas partie."),
        ({"q": "x" * 101}, "q", "Assurez-vous que cette valeur comporte au plus 100 caractères (actuellement 101)."),
    ],
)
def test_a_bad_filter_is_a_message_in_the_readers_language(staff_client, changes, filters, field, message):
    page = staff_client.get(fr("admin:audit"), {**filters, "kind": filters.get("kind", "added")})

    assert page.status_code == 200
    assert page.context["form"].errors == {field: [message]}
    assert message in text(page.content.decode()).replace("&#x27;", "'")
    if field != "kind":  # the other filters still apply
        assert {row["change"].kind for row in page.context["rows"]} == {"+"}


def test_the_filters_offer_every_tracked_model_in_the_readers_language(staff):
    with translation.override("fr"):
        choices = {value: str(label) for value, label in AuditFilterForm({}).fields["model"].choices}

    assert choices["jurisdictions.challenge"] == "Défi"
    assert choices["cogwg.reportingperiod"] == "Période de rapport"
    assert choices[""] == "Tout"
    assert "jurisdictions.historicalchallenge" not in choices
    labels = list(choices.values())
    assert labels.index("Période de rapport") < labels.index("Priorité") < labels.index("Prochaine étape")


def test_a_filtered_audit_page_runs_the_same_queries_whatever_the_number_of_changes(
    staff, staff_client, django_assert_num_queries
):
    ontario, quebec = JurisdictionFactory(code="ON"), JurisdictionFactory(code="QC")
    challenge = ChallengeFactory(title_en="Funding")
    challenge._history_user = staff
    filters = {"model": "jurisdictions.challenge", "kind": "changed", "q": "fund"}
    url = en("admin:audit")

    def edit(times):
        for n in range(times):
            challenge.title_fr = f"Financement {n}"
            challenge.save()
            challenge.jurisdictions.set([ontario] if n % 2 else [quebec])

    edit(2)
    staff_client.get(url, filters)
    with django_assert_num_queries(FILTERED_AUDIT_QUERIES):
        small = staff_client.get(url, filters)
    edit(20)

    with django_assert_num_queries(FILTERED_AUDIT_QUERIES):
        large = staff_client.get(url, filters)

    assert len(small.context["rows"]) < len(large.context["rows"]) == 50
    # The next page keeps the filters.
    assert 'href="?model=jurisdictions.challenge&amp;kind=changed&amp;q=fund&amp;page=2"' in large.content.decode()


def test_the_audit_page_counts_versions_and_says_which_it_leaves_out(staff_client):
    challenge = ChallengeFactory(title_en="Staffing")
    challenge.jurisdictions.set([JurisdictionFactory(code="ON")])

    french = text(staff_client.get(fr("admin:audit")).content.decode())
    english = text(staff_client.get(en("admin:audit")).content.decode())

    assert "versions kept. A save that changed nothing" in english
    assert "versions conservées. Une sauvegarde qui n'a rien modifié" in french
    assert "changes kept" not in english
