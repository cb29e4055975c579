"""An admin action posted with rows that are no keys of the list's records (a forged or
cut-short form) is refused with a message in the page's language and the list shown
again, on every admin, the project's and the libraries': never a 500, nothing done. A
History page of an id that is no key is a 404, as Django's change page answers it."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from cogwg.admin_history import HistoryAdminMixin
from cogwg.admin_site import ValidSelectionMixin
from stories.models import Theme
from workplan.models import Milestone

pytestmark = pytest.mark.django_db

REFUSED = {
    "en": "The rows chosen are not rows of this list: nothing was done.",
    "fr": "Les lignes choisies ne sont pas des lignes de cette liste\u00a0: rien n'a été fait.",
}


def changelist(model, language="en"):
    with translation.override(language):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("selected", [["abc"], ["1", "2x"], ["1.5"]])
def test_a_forged_selection_is_refused_with_a_message(staff_client, language, selected):
    theme = Theme.objects.create(slug="transit", name_en="Transit", name_fr="Transport")
    url = changelist(Theme, language)

    response = staff_client.post(url, {"action": "delete_selected", "_selected_action": [*selected]}, follow=True)

    assert response.status_code == 200
    assert [str(message) for message in response.context["messages"]] == [REFUSED[language]]
    assert Theme.objects.filter(pk=theme.pk).exists()


AXES = [model for model in admin.site._registry if model._meta.app_label == "axes"]


@pytest.mark.parametrize("model", [Milestone, get_user_model(), *AXES])
def test_every_admin_refuses_it_libraries_included(admin_client, model):
    url = changelist(model)
    action = next(iter(admin.site._registry[model].get_actions(admin_client.get(url).wsgi_request)))

    response = admin_client.post(url, {"action": action, "_selected_action": ["not-a-key"]})

    assert response.status_code == 302
    assert response["Location"] == url


def test_every_registered_admin_has_the_check():
    assert all(isinstance(model_admin, ValidSelectionMixin) for model_admin in admin.site._registry.values())


def test_a_real_selection_still_acts(staff_client):
    theme = Theme.objects.create(slug="transit", name_en="Transit", name_fr="Transport")

    page = staff_client.post(changelist(Theme), {"action": "delete_selected", "_selected_action": [str(theme.pk)]})

    assert page.status_code == 200  # Django's confirmation page
    assert page.context["queryset"].get() == theme


TRACKED = [model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, HistoryAdminMixin)]


@pytest.mark.parametrize("model", TRACKED, ids=lambda model: model._meta.label)
def test_a_history_page_of_an_id_that_is_no_key_is_a_404(admin_client, model):
    with translation.override("fr"):
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=["abc"])

    assert admin_client.get(url).status_code == 404


def test_a_row_past_the_database_s_integers_is_refused_too(staff_client):
    theme = Theme.objects.create(slug="transit", name_en="Transit", name_fr="Transport")

    response = staff_client.post(
        changelist(Theme), {"action": "delete_selected", "_selected_action": ["99999999999999999999"]}, follow=True
    )

    assert [str(message) for message in response.context["messages"]] == [REFUSED["en"]]
    assert Theme.objects.filter(pk=theme.pk).exists()
