"""Wording a French reader met: the "published" notice links to the record on the public
site, a long title is cut after a whole word with "…", the reporting period's dashboard
counts its updates in the plural and names a jurisdiction without a preposition, and the
lockout page says for how long and whom to ask."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from cogwg import cycles, notifications
from cogwg.lockout import lockout_message
from tests.cycles.conftest import cycle, submitted_row  # noqa: F401 (a fixture)
from tests.factories import (
    AccomplishmentFactory,
    ChallengeFactory,
    JurisdictionFactory,
    MilestoneFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    UserFactory,
    WorkPlanFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://tracker.example.gc.ca"
# 125 characters: the 120th falls in "plateformes".
LONG_TITLE_FR = (
    "Faire connaître les récits d'utilisateurs des données ouvertes dans toutes les administrations "
    "membres et sur les plateformes"
)


@pytest.fixture
def site(settings):
    settings.COGWG_SITE_URL = SITE + "/"


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@on.example")


@pytest.fixture
def ontario(db):
    return JurisdictionFactory(code="ON", name_en="Ontario", name_fr="Ontario", order=1)


def published_notice(record):
    return notifications.review_message(event=notifications.PUBLISHED, record=record)


# The "published" notice links to the public page


def test_a_published_update_links_to_its_milestone_on_the_priority_page_in_each_language(site, alice):
    priority = PriorityFactory(work_plan=WorkPlanFactory(slug="2020"), number=1, slug="stories")
    milestone = MilestoneFactory(priority=priority, description_en="Release the stories")
    update = ProgressUpdateFactory(milestone=milestone, author=alice)

    message = published_notice(update)

    english, french = message.body.split("\n\n---\n\n")
    assert english.endswith(f"\nRead it on the public site: {SITE}/en/work-plan/2020/stories/#milestone-{milestone.pk}")
    assert french.endswith(
        f"\nÀ consulter sur le site public\u00a0: {SITE}/fr/plan-de-travail/2020/stories/#milestone-{milestone.pk}"
    )
    assert message.to == ["alice@on.example"]


def test_a_published_accomplishment_links_to_its_card_on_its_jurisdictions_page(site, alice, ontario):
    accomplishment = AccomplishmentFactory(jurisdiction=ontario, submitted_by=alice)

    body = published_notice(accomplishment).body

    assert f"{SITE}/en/jurisdictions/on/#accomplishment-{accomplishment.pk}" in body
    assert f"{SITE}/fr/administrations/on/#accomplishment-{accomplishment.pk}" in body


def test_a_published_challenge_links_to_its_first_jurisdictions_page_or_to_the_list(site, alice, ontario):
    quebec = JurisdictionFactory(code="QC", order=2)
    named = ChallengeFactory(submitted_by=alice)
    named.jurisdictions.set([quebec, ontario])
    across = ChallengeFactory(submitted_by=alice)

    named_body, across_body = published_notice(named).body, published_notice(across).body

    assert f"{SITE}/en/jurisdictions/on/#challenge-{named.pk}" in named_body
    assert f"{SITE}/fr/administrations/on/#challenge-{named.pk}" in named_body
    assert f"{SITE}/en/challenges/#challenge-{across.pk}" in across_body
    assert f"{SITE}/fr/defis/#challenge-{across.pk}" in across_body


def test_the_returned_notice_still_has_no_public_link(site, alice, ontario):
    accomplishment = AccomplishmentFactory(jurisdiction=ontario, submitted_by=alice, review_comment="Add a link.")

    body = notifications.review_message(event=notifications.RETURNED, record=accomplishment).body

    assert "public site" not in body
    assert "/jurisdictions/on/" not in body


# Long titles


def test_a_long_title_is_cut_after_a_whole_word_with_an_ellipsis(site, alice, ontario):
    accomplishment = AccomplishmentFactory(jurisdiction=ontario, submitted_by=alice, title_fr=LONG_TITLE_FR)

    french = published_notice(accomplishment).body.split("\n\n---\n\n")[1]

    shortened = LONG_TITLE_FR.removesuffix(" plateformes") + "…"
    assert (len(LONG_TITLE_FR), len(shortened)) == (125, 114)
    assert french.startswith(f"Le secrétariat a publié «\u00a0{shortened}\u00a0» (")


def test_an_updates_title_cuts_its_milestone_and_keeps_the_day(site, alice):
    milestone = MilestoneFactory(description_en="Release", description_fr=LONG_TITLE_FR)
    update = ProgressUpdateFactory(milestone=milestone, author=alice, reported_on=datetime.date(2020, 4, 1))

    french = published_notice(update).body.split("\n\n---\n\n")[1]

    assert "membres et sur les… — 1er avril 2020" in french
    assert "sur les p —" not in french


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("short", "short"),
        ("x" * 120, "x" * 120),
        ("word " * 30, ("word " * 24).rstrip() + "…"),
        ("x" * 130, "x" * 119 + "…"),  # one word: cut in it, as nothing else fits
    ],
)
def test_shortened(text, expected):
    assert notifications.shortened(text) == expected
    assert len(notifications.shortened(text)) <= 120


# The reporting period's dashboard


def dashboard(client, cycle, language="fr"):  # noqa: F811 (the fixture's name)
    with translation.override(language):
        return client.get(reverse("admin:cogwg_reportingperiod_dashboard", args=[cycle.period.pk]))


def submit(cycle, jurisdiction, *milestones):  # noqa: F811
    cycles.period_submit_updates(
        period=cycle.period,
        jurisdiction=jurisdiction,
        rows=[submitted_row(milestone) for milestone in milestones],
        by=cycle.secretariat,
    )


def test_the_french_dashboard_counts_one_update_in_the_singular(cycle, staff_client):  # noqa: F811
    submit(cycle, cycle.bc, cycle.march)

    response = dashboard(staff_client, cycle)

    expected = response.context["status"].expected
    assert f"1 mise à jour soumise sur {expected}." in response.content.decode()


def test_the_french_dashboard_counts_two_updates_in_the_plural(cycle, staff_client):  # noqa: F811
    submit(cycle, cycle.bc, cycle.march, cycle.june)

    response = dashboard(staff_client, cycle)

    expected = response.context["status"].expected
    assert f"2 mises à jour soumises sur {expected}." in response.content.decode()


def test_the_english_dashboard_still_counts_as_before(cycle, staff_client):  # noqa: F811
    submit(cycle, cycle.bc, cycle.march)

    response = dashboard(staff_client, cycle, language="en")

    assert f"1 of {response.context['status'].expected} updates submitted." in response.content.decode()


def test_the_french_dashboard_names_each_sheets_jurisdiction_without_a_preposition(cycle, staff_client):  # noqa: F811
    page = dashboard(staff_client, cycle).content.decode()

    assert "Télécharger la feuille préremplie\u00a0: Colombie-Britannique</a>" in page
    assert "Télécharger la feuille préremplie\u00a0: Ontario</a>" in page
    assert "de Ontario" not in page


def test_the_dashboards_upload_labels_start_with_a_capital(cycle, staff_client):  # noqa: F811
    french = dashboard(staff_client, cycle).content.decode()
    english = dashboard(staff_client, cycle, language="en").content.decode()

    assert '<label for="id_jurisdiction" class="required">Administration\u00a0:</label>' in french
    assert '<label for="id_sheet" class="required">Feuille remplie (.xlsx)\u00a0:</label>' in french
    assert '<label for="id_jurisdiction" class="required">Jurisdiction:</label>' in english


# The lockout page


@pytest.fixture
def lockout_page(settings):
    # The setting the project's settings need (cogwg/settings/base.py), set here until they have it.
    settings.AXES_LOCKOUT_CALLABLE = "cogwg.lockout.lockout_response"


def locked_out(client, language):
    with translation.override(language):
        url = reverse("admin:login")
    answers = [client.post(url, {"username": "secretariat", "password": "wrong"}) for _attempt in range(5)]
    return answers[-1]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "Account locked: too many failed sign-ins. Try again in 30 minutes, or ask the working group's "
            "secretariat to unlock your account sooner.",
        ),
        (
            "fr",
            "Compte verrouillé\u00a0: trop de tentatives de connexion infructueuses. Réessayez dans 30 minutes, ou "
            "demandez au secrétariat du groupe de travail de déverrouiller votre compte plus tôt.",
        ),
    ],
)
def test_the_lockout_page_says_for_how_long_and_whom_to_ask(client, staff, lockout_page, language, message):
    response = locked_out(client, language)

    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 429
    assert f'<p class="errornote">{message}</p>' in page
    assert 'name="password"' not in page


def test_a_lockout_of_one_minute_says_minute(settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(seconds=40)

    with translation.override("fr"):
        message = lockout_message()

    assert "Réessayez dans 1 minute, ou" in message


def test_a_lockout_without_end_sends_to_the_secretariat(settings):
    settings.AXES_COOLOFF_TIME = None

    with translation.override("fr"):
        message = lockout_message()

    assert message == (
        "Compte verrouillé\u00a0: trop de tentatives de connexion infructueuses. Demandez au secrétariat du "
        "groupe de travail de déverrouiller votre compte."
    )
