"""A published accomplishment may advance a priority of a plan still in draft (next year's,
being prepared): its page shows the accomplishment, never the draft plan's priority."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import AccomplishmentFactory, JurisdictionFactory, PriorityFactory, WorkPlanFactory
from tests.site.text import visible_text
from workplan.choices import WorkPlanStatus

pytestmark = pytest.mark.django_db

PAGES = [
    pytest.param("jurisdictions:accomplishments", [], id="accomplishments"),
    pytest.param("jurisdictions:detail", ["on"], id="jurisdiction"),
]


@pytest.fixture
def draft_plan(db):
    """The 2021 plan, still a draft, and Ontario's two published accomplishments: one
    advances priority 1 of the active 2020 plan, the other priority 1 of the 2021 plan."""
    ontario = JurisdictionFactory(code="ON", name_en="Ontario", name_fr="Ontario")
    active = WorkPlanFactory(slug="2020", status=WorkPlanStatus.ACTIVE)
    draft = WorkPlanFactory(slug="2021", status=WorkPlanStatus.DRAFT)
    AccomplishmentFactory(
        jurisdiction=ontario,
        title_en="Launched a portal",
        title_fr="Lancement d'un portail",
        priority=PriorityFactory(
            work_plan=active, number=1, slug="stories", title_en="Open data stories", title_fr="Récits"
        ),
    )
    AccomplishmentFactory(
        jurisdiction=ontario,
        title_en="Released a strategy",
        title_fr="Publication d'une stratégie",
        priority=PriorityFactory(
            work_plan=draft, number=1, slug="secret", title_en="SECRET PRIORITY", title_fr="PRIORITÉ SECRÈTE"
        ),
    )
    return draft


def page(client, language, url_name, args):
    with translation.override(language):
        url = reverse(url_name, args=args)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("url_name", "args"), PAGES)
@pytest.mark.parametrize(
    ("language", "shown", "secret"),
    [
        ("en", "Advances priority: 1. Open data stories", "Advances priority: 1. SECRET PRIORITY"),
        ("fr", "Fait progresser la priorité : 1. Récits", "Fait progresser la priorité : 1. PRIORITÉ SECRÈTE"),
    ],
    ids=["en", "fr"],
)
def test_an_accomplishment_shows_no_priority_of_a_draft_plan_until_it_is_published(
    client, draft_plan, url_name, args, language, shown, secret
):
    with translation.override(language):
        secret_url = reverse("workplan:priority", args=["2021", "secret"])

    html = page(client, language, url_name, args)

    text = visible_text(html)
    assert ("Released a strategy" if language == "en" else "Publication d'une stratégie") in text
    assert shown in text  # the published plan's priority
    assert "SECRET PRIORITY" not in html and "PRIORITÉ SECRÈTE" not in html
    assert secret_url not in html

    # Published: no longer a draft (closed, as the 2020 plan is the active one).
    draft_plan.status = WorkPlanStatus.CLOSED
    draft_plan.save()
    html = page(client, language, url_name, args)

    assert secret in visible_text(html)
    assert f'href="{secret_url}"' in html
