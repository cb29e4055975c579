"""The 2020 demo data against the Joint Councils deck of 27 February 2020: its French
written the Canadian way (Translation Bureau typography, the English's acronyms mirrored,
one term per notion) and its accomplishments read in the deck's order on every page."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from modeltranslation.translator import translator

from cogwg.demo import data_2020 as data
from cogwg.demo.loader import load_cogwg_2020
from cogwg.models import InfoSection, NextStep, StatusReport
from cogwg.reports.demo import AS_OF
from jurisdictions.choices import ChallengeCategory
from jurisdictions.models import Accomplishment, Challenge, Jurisdiction
from tests.cogwg.test_load_cogwg_2020 import LOADED_MODELS
from tests.factories import AccomplishmentFactory
from workplan.models import Milestone, Priority, WorkPlan

pytestmark = pytest.mark.django_db


# The deck's "Jurisdictional Accomplishments", in its order.
DECK_ORDER = ["YT", "NT", "ON", "QC", "SK", "MB"]
HOME_LATEST = 5

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def texts():
    """Every translated text the loader wrote: (model, field, English, French)."""
    return [
        (model.__name__, name, row[f"{name}_en"] or "", row[f"{name}_fr"] or "")
        for model in LOADED_MODELS
        for name in translator.get_options_for_model(model).all_fields
        for row in model.objects.values(f"{name}_en", f"{name}_fr")
    ]


def french_texts():
    return [(model, name, french) for model, name, _english, french in texts() if french]


def titles_in_deck_order(language):
    by_code = {item["jurisdiction"]: item["title"] for item in data.ACCOMPLISHMENTS}
    index = 0 if language == "en" else 1
    return [by_code[code][index] for code in DECK_ORDER]


def order_on_page(html, titles):
    """The titles found on the page, in the order the page shows them."""
    found = [(html.find(escape(title)), title) for title in titles]
    return [title for position, title in sorted(found) if position >= 0]


# French typography (Translation Bureau, Canadian usage)


def test_no_french_text_has_a_space_before_a_semicolon_question_or_exclamation_mark():
    load_cogwg_2020()

    spaced = [(model, name, french) for model, name, french in french_texts() if re.search(r"\s[;?!]", french)]

    assert spaced == []


def test_every_colon_in_french_has_a_non_breaking_space_before_it():
    load_cogwg_2020()

    wrong = [(model, name, french) for model, name, french in french_texts() if re.search(f"(?<!{NBSP}):", french)]

    assert wrong == []
    # The colons the deck's French does have: the summary, the about page, the next steps.
    assert f"27 février 2020{NBSP}: cinq priorités" in WorkPlan.objects.get().summary_fr
    assert InfoSection.objects.get(slug="open-government").intro_fr.endswith(f"Il constitue{NBSP}:")
    assert NextStep.objects.filter(text_fr=f"Réunion en personne pour{NBSP}:").count() == 1


def test_french_quotation_marks_have_non_breaking_spaces_inside():
    load_cogwg_2020()

    wrong = [
        (model, name, french)
        for model, name, french in french_texts()
        if re.search(f"«(?!{NBSP})|(?<!{NBSP})»", french)
    ]

    assert wrong == []


def test_the_about_page_items_end_with_a_bare_semicolon():
    load_cogwg_2020()

    items = InfoSection.objects.get(slug="open-government").body_fr.splitlines()

    assert [item[-1] for item in items] == [";", ";", ";", "."]
    assert items[0] == "une priorité clé pour le gouvernement du Canada et les gouvernements de partout au Canada;"


# Terms: the French mirrors the English's acronyms and names, one term per notion


@pytest.mark.parametrize(
    ("english", "french"),
    [
        (r"\bCOGWG\b", r"\bGTGO\b"),
        (r"Canada Open Government Working Group", r"Groupe de travail sur le gouvernement ouvert du Canada"),
        (r"\bOG\b", r"\bGO\b"),
        (r"\bNWT\b", r"\bT\.N\.-O\."),
    ],
)
def test_the_french_uses_an_acronym_where_the_english_does(english, french):
    load_cogwg_2020()

    different = [
        (model, name, en, fr)
        for model, name, en, fr in texts()
        if len(re.findall(english, en)) != len(re.findall(french, fr))
    ]

    assert different == []


def test_the_plan_title_is_as_short_in_french_as_in_english(client):
    load_cogwg_2020()

    assert WorkPlan.objects.get().title_fr == "Plan de travail 2020 du GTGO"
    with translation.override("fr"):
        page = client.get(reverse("workplan:detail", args=["2020"]))
    title = re.search(r"<title>(.*?)</title>", page.content.decode(), re.S).group(1)
    assert title.startswith("Plan de travail 2020 du GTGO – ")  # noqa: RUF001
    assert title.count("Groupe de travail sur le gouvernement ouvert du Canada") == 1


def test_the_northwest_territories_are_abbreviated_the_french_way():
    load_cogwg_2020()

    assert Jurisdiction.objects.get(code="NT").short_name_fr == "T.N.-O."
    assert Accomplishment.objects.get(jurisdiction__code="NT").title_fr.startswith("Les T.N.-O. ont publié")
    assert [(model, name) for model, name, french in french_texts() if re.search(r"\bTNO\b", french)] == []


def test_lessons_learned_is_one_french_term():
    load_cogwg_2020()

    french = "\n".join(french for _model, _name, french in french_texts())

    assert "leçons apprises" not in french
    assert french.count("leçons tirées") == 2


def test_no_english_acronym_is_kept_in_the_french():
    load_cogwg_2020()

    milestone = Milestone.objects.get(priority__number=5, order=3)
    assert "FOGO" in milestone.description_en
    assert "FOGO" not in milestone.description_fr
    assert "gouvernement ouvert féministe" in milestone.description_fr
    assert [(model, name) for model, name, french in french_texts() if re.search(r"\b(FOGO|GBA|COGWG)\b", french)] == []


def test_a_slowdown_in_momentum_is_not_a_loss():
    load_cogwg_2020()

    challenge = Challenge.objects.get(category=ChallengeCategory.POLITICAL_TRANSITION)
    assert challenge.title_en.startswith("Slowdown in momentum")
    assert challenge.title_fr == (
        "Ralentissement de l'élan des programmes de GO dans certaines régions en raison de la transition politique"
    )


# The deck's words


def test_the_summary_ends_with_the_decks_own_sentence():
    load_cogwg_2020()

    plan = WorkPlan.objects.get()
    assert plan.summary_en.endswith("More detailed information on COGWG 2020 Work Plan is available in Gccollab.")
    assert plan.summary_fr.endswith(
        "Des renseignements plus détaillés sur le plan de travail 2020 du GTGO sont accessibles dans GCcollab."
    )


def test_priority_5_mechanisms_are_available_not_in_place():
    load_cogwg_2020()

    priority = Priority.objects.get(number=5)
    assert priority.outcome_en.endswith("are available.")
    assert priority.outcome_fr.endswith("sont disponibles.")
    assert "en place" not in priority.outcome_fr


def test_a_second_load_restores_the_corrected_french_without_duplicating():
    load_cogwg_2020()
    Challenge.objects.filter(category=ChallengeCategory.POLITICAL_TRANSITION).update(title_fr="Perte d'élan")
    Jurisdiction.objects.filter(code="NT").update(short_name_fr="TNO")
    counts = {model.__name__: model.objects.count() for model in LOADED_MODELS}

    load_cogwg_2020()

    assert Challenge.objects.get(category=ChallengeCategory.POLITICAL_TRANSITION).title_fr.startswith("Ralentissement")
    assert Jurisdiction.objects.get(code="NT").short_name_fr == "T.N.-O."
    assert {model.__name__: model.objects.count() for model in LOADED_MODELS} == counts


# The accomplishments in the deck's order


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_home_page_shows_the_latest_accomplishments_in_the_decks_order(client, language):
    load_cogwg_2020()
    titles = titles_in_deck_order(language)

    with translation.override(language):
        page = client.get(reverse("home"))

    assert order_on_page(page.content.decode(), titles) == titles[:HOME_LATEST]


def test_the_demo_report_lists_them_in_the_decks_order(client):
    load_cogwg_2020()
    report = StatusReport.objects.get(as_of=AS_OF)
    titles = titles_in_deck_order("en")

    assert [item["jurisdiction"]["code"] for item in report.content["accomplishments"]] == DECK_ORDER
    page = client.get(reverse("reports:detail", args=[report.pk]))
    assert order_on_page(page.content.decode(), titles) == titles


def test_demo_data_loaded_before_keeps_its_order_once_loaded_again():
    load_cogwg_2020()
    meeting_midnight = Accomplishment.objects.get(jurisdiction__code="MB").published_at
    Accomplishment.objects.update(published_at=meeting_midnight)

    counts = load_cogwg_2020()

    assert counts["accomplishments"] == {"created": 0, "updated": 5, "unchanged": 1}
    codes = Accomplishment.objects.published().order_by("-published_at", "-pk").values_list("jurisdiction__code")
    assert [code for (code,) in codes] == DECK_ORDER
    assert load_cogwg_2020()["accomplishments"] == {"created": 0, "updated": 0, "unchanged": 6}


def test_an_accomplishment_republished_since_keeps_its_time():
    load_cogwg_2020()
    yukon = Accomplishment.objects.get(jurisdiction__code="YT")
    later = yukon.published_at.replace(year=2021)
    Accomplishment.objects.filter(pk=yukon.pk).update(published_at=later)

    load_cogwg_2020()

    yukon.refresh_from_db()
    assert yukon.published_at == later


def test_a_newer_accomplishment_comes_before_the_demo_ones_on_the_home_page(client):
    load_cogwg_2020()
    newer = AccomplishmentFactory(
        jurisdiction=Jurisdiction.objects.get(code="BC"),
        title_en="BC launched a catalogue",
        published_at=timezone.now(),
    )

    page = client.get(reverse("home")).content.decode()

    assert order_on_page(page, [newer.title_en, *titles_in_deck_order("en")])[0] == newer.title_en
