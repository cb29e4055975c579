"""The review's e-mails lead to the record: a link to its admin page in each language,
under the site's public address (COGWG_SITE_URL), and a progress update is named by its
milestone and day rather than by the first words of its note."""

import pytest
from django.core import mail
from django.test import override_settings

from cogwg.services import record_return, record_submit

pytestmark = pytest.mark.django_db


@override_settings(COGWG_SITE_URL="https://tracker.example.gc.ca/", COGWG_SECRETARIAT_EMAILS=["desk@example.org"])
def test_a_submitted_record_is_e_mailed_with_a_link_to_its_page_in_each_language(
    world, django_capture_on_commit_callbacks
):
    accomplishment = world.accomplishment
    with django_capture_on_commit_callbacks(execute=True):
        record_submit(record=accomplishment, by=world.users.contributor_on)

    (message,) = mail.outbox
    path = f"/admin/jurisdictions/accomplishment/{accomplishment.pk}/change/"
    assert (
        f"Publish it, or return it for changes, in the tracker's administration: https://tracker.example.gc.ca/en{path}"
    ) in message.body
    assert (
        "Publiez la fiche ou renvoyez-la pour modifications, dans l'administration du suivi\u00a0: "
        f"https://tracker.example.gc.ca/fr{path}"
    ) in message.body


@override_settings(COGWG_SITE_URL="https://tracker.example.gc.ca")
def test_a_returned_progress_update_names_its_milestone_and_day_and_links_to_it(
    world, django_capture_on_commit_callbacks
):
    update = record_submit(record=world.update, by=world.users.contributor_on)
    with django_capture_on_commit_callbacks(execute=True):
        record_return(record=update, comment="Say which datasets.", by=world.users.secretariat)

    (message,) = mail.outbox
    milestone = world.update.milestone
    path = f"/admin/workplan/progressupdate/{update.pk}/change/"
    english = milestone.description_en.splitlines()[0][:120]
    assert f'"{english} — ' in message.body
    assert (
        f"Change it, then submit it again, in the tracker's administration: https://tracker.example.gc.ca/en{path}"
    ) in message.body
    assert (
        "Apportez les modifications demandées, puis soumettez de nouveau la fiche, dans l'administration du "
        f"suivi\u00a0: https://tracker.example.gc.ca/fr{path}"
    ) in message.body
