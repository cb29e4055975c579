"""The roles: their groups, the contributors' reduced admin, the Joint Councils readers
(site and API token), and ``add_contributor``."""

import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cogwg import permissions
from cogwg.choices import RenderStatus, ReportFormat
from cogwg.models import StatusReportFile
from cogwg.permissions import CONTRIBUTOR, JOINT_COUNCILS_READER, PROJECT_APPS, SECRETARIAT, roles_sync
from cogwg.reports.services import report_freeze, report_publish
from jurisdictions.models import Contributor
from tests.factories import JurisdictionFactory, UserFactory
from tests.permissions.conftest import admin_client

# The groups


def names(permissions_):
    """``app_label.codename`` of each permission."""
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions_.select_related("content_type")}


def test_the_roles_groups_hold_their_permissions(roles):
    secretariat = Group.objects.get(name=SECRETARIAT)
    contributor = Group.objects.get(name=CONTRIBUTOR)
    reader = Group.objects.get(name=JOINT_COUNCILS_READER)

    assert names(secretariat.permissions.all()) == names(
        Permission.objects.filter(content_type__app_label__in=PROJECT_APPS)
    ) | set(permissions.SECRETARIAT_ACCOUNT_PERMISSIONS)
    assert {p.codename for p in reader.permissions.all()} == {"view_statusreport", "view_statusreportfile"}
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in contributor.permissions.all()}
    assert {"jurisdictions.change_accomplishment", "workplan.add_progressupdate", "stories.change_userstory"} <= granted
    assert {
        "jurisdictions.change_jurisdiction",
        "workplan.change_workplan",
        "workplan.change_priority",
        "workplan.change_assignment",
        "workplan.change_milestone",
        "stories.delete_userstory",
        "cogwg.change_meeting",
        "cogwg.view_statusreport",
    } & granted == set()


def test_syncing_the_roles_again_changes_nothing(roles):
    before = {group.name: set(group.permissions.all()) for group in Group.objects.all()}

    roles_sync()

    assert {group.name: set(group.permissions.all()) for group in Group.objects.all()} == before


@pytest.mark.django_db
def test_every_migrate_gives_the_roles_the_rights_the_code_says(monkeypatch):
    """A right given to a role in the code reaches the database at the next ``migrate``
    (post_migrate, as Django creates permissions), and one given by hand is taken back."""
    contributor = Group.objects.get(name=CONTRIBUTOR)  # made with the test database
    by_hand = Permission.objects.get(content_type__app_label="cogwg", codename="change_meeting")
    contributor.permissions.add(by_hand)
    new_right = "cogwg.view_meeting"
    monkeypatch.setitem(
        permissions.ROLE_PERMISSIONS, CONTRIBUTOR, (*permissions.ROLE_PERMISSIONS[CONTRIBUTOR], new_right)
    )

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    granted = {f"{p.content_type.app_label}.{p.codename}" for p in contributor.permissions.all()}
    assert new_right in granted
    assert "cogwg.change_meeting" not in granted
    assert names(Group.objects.get(name=SECRETARIAT).permissions.all()) == names(
        Permission.objects.filter(content_type__app_label__in=PROJECT_APPS)
    ) | set(permissions.SECRETARIAT_ACCOUNT_PERMISSIONS)


@pytest.mark.django_db
def test_the_migration_keeps_todays_staff_in_the_secretariat():
    staff = UserFactory(username="clerk", is_staff=True)
    UserFactory(username="member", is_staff=False)
    UserFactory(username="gone", is_staff=True, is_active=False)
    migration = importlib.import_module("jurisdictions.migrations.0004_roles")

    migration.create_roles(django_apps, None)

    assert list(Group.objects.get(name=SECRETARIAT).user_set.all()) == [staff]
    assert set(Group.objects.values_list("name", flat=True)) == {SECRETARIAT, CONTRIBUTOR, JOINT_COUNCILS_READER}
    assert permissions.is_secretariat(get_user_model().objects.get(username="clerk"))


@pytest.mark.django_db
def test_the_migration_applied_again_after_a_rollback_keeps_everyones_role():
    """Unapplied with an earlier migration of its dependencies and applied again: the
    contributors and readers stay what they are, and nothing was deleted on the way back."""
    migration = importlib.import_module("jurisdictions.migrations.0004_roles")
    migration.create_roles(django_apps, None)
    contributor = UserFactory(username="contrib", is_staff=True)
    reader = UserFactory(username="reader", is_staff=True)
    contributor.groups.add(Group.objects.get(name=CONTRIBUTOR))
    reader.groups.add(Group.objects.get(name=JOINT_COUNCILS_READER))
    operation = migration.Migration.operations[0]

    operation.reverse_code(django_apps, None)
    migration.create_roles(django_apps, None)

    assert list(contributor.groups.values_list("name", flat=True)) == [CONTRIBUTOR]
    assert list(reader.groups.values_list("name", flat=True)) == [JOINT_COUNCILS_READER]
    assert list(Group.objects.get(name=SECRETARIAT).user_set.all()) == []


# The contributors' reduced admin


def app_models(response):
    return sorted(model["object_name"] for app in response.context["app_list"] for model in app["models"])


def test_a_contributor_sees_only_what_they_work_on(world, client):
    admin_client(client, world.users.contributor_on)

    index = client.get(reverse("admin:index"))

    assert app_models(index) == ["Accomplishment", "Challenge", "ProgressUpdate", "ReportingPeriod", "UserStory"]
    assert "audit_url" not in index.context


def test_a_reader_sees_the_status_reports_only(world, client):
    admin_client(client, world.users.reader)

    index = client.get(reverse("admin:index"))

    assert app_models(index) == ["StatusReport"]


def action_names(changelist):
    form = changelist.context["action_form"]
    return set() if form is None else {name for name, _label in form.fields["action"].choices if name}


def test_a_contributor_has_no_publishing_action(world, client):
    admin_client(client, world.users.contributor_on)

    names = {
        url: action_names(client.get(url))
        for url in (
            reverse("admin:jurisdictions_accomplishment_changelist"),
            reverse("admin:workplan_progressupdate_changelist"),
            reverse("admin:stories_userstory_changelist"),
        )
    }

    exports = {"export_selected_csv", "export_selected_xlsx"}  # what their list shows them
    assert names == {
        reverse("admin:jurisdictions_accomplishment_changelist"): {"delete_selected", "submit_selected", *exports},
        reverse("admin:workplan_progressupdate_changelist"): {"submit_selected", *exports},
        reverse("admin:stories_userstory_changelist"): exports,
    }


def test_the_secretariat_has_the_reviews_actions(world, client):
    admin_client(client, world.users.secretariat)

    names = action_names(client.get(reverse("admin:jurisdictions_accomplishment_changelist")))

    assert names == {
        "delete_selected",
        "submit_selected",
        "publish_selected",
        "return_selected",
        "unpublish_selected",
        "export_selected_csv",
        "export_selected_xlsx",
    }


def test_a_contributor_looks_up_milestones_but_cannot_change_them(world, client):
    admin_client(client, world.users.contributor_on)
    url = reverse("admin:workplan_milestone_change", args=[world.m1.pk])

    page = client.get(url)

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert [type(inline.opts).__name__ for inline in page.context["inline_admin_formsets"]] == ["ProgressLogInline"]


# Joint Councils readers


@pytest.fixture
def frozen(world):
    """The 2020 plan's report as of 31 January, frozen (not published), its English CSV
    rendered."""
    report = report_freeze(report=world.final_report_draft, by=world.users.secretariat)
    StatusReportFile.objects.filter(report=report, format=ReportFormat.CSV, language="en").update(
        status=RenderStatus.READY, file=default_storage.save("reports/final.csv", ContentFile(b"a,b\n"))
    )
    return report


def test_a_reader_pulls_draft_and_frozen_reports_with_a_token(world, frozen):
    token = Token.objects.create(user=world.users.reader)
    reader, public = APIClient(), APIClient()
    reader.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    listed = reader.get("/api/v1/status-reports/").json()["results"]
    draft = reader.get(f"/api/v1/status-reports/{world.report.pk}/")

    assert {report["id"] for report in listed} == {world.report.pk, world.final_report.pk, frozen.pk}
    assert draft.status_code == 200
    assert public.get(f"/api/v1/status-reports/{world.report.pk}/").status_code == 404
    assert public.get("/api/v1/status-reports/").json()["results"] == []
    assert reader.post(f"/api/v1/status-reports/{world.report.pk}/freeze/").status_code == 403


def test_a_reader_reads_frozen_and_draft_reports_on_the_site(world, frozen, client):
    detail = reverse("reports:detail", args=[frozen.pk])
    download = reverse("reports:file", kwargs={"pk": frozen.pk, "language": "en", "format": "csv"})
    draft = reverse("reports:detail", args=[world.report.pk])
    assert client.get(detail).status_code == 404
    assert client.get(draft).status_code == 404
    assert client.get(download).status_code == 404
    admin_client(client, world.users.reader)

    frozen_page = client.get(detail)
    draft_page = client.get(draft)
    listed = client.get(reverse("reports:list"))

    assert frozen_page.status_code == 200
    assert "no-store" in frozen_page["Cache-Control"]
    assert "private" in frozen_page["Cache-Control"]
    assert draft_page.status_code == 200
    assert "Draft report: computed from today" in draft_page.content.decode()
    assert "no-store" in draft_page["Cache-Control"]
    assert client.get(download).status_code == 200
    assert {report.pk for report in listed.context["reports"]} == {world.report.pk, world.final_report.pk, frozen.pk}
    assert client.get(reverse("reports:changes", args=[world.report.pk])).status_code == 404


def test_a_contributor_does_not_read_unpublished_reports(world, frozen, client):
    admin_client(client, world.users.contributor_on)

    assert client.get(reverse("reports:detail", args=[frozen.pk])).status_code == 404
    assert client.get(reverse("admin:cogwg_statusreport_changelist")).status_code == 403


def test_a_published_report_stays_public_and_cacheable(world, frozen, client):
    published = report_publish(report=frozen, by=world.users.secretariat)
    admin_client(client, world.users.reader)

    page = client.get(reverse("reports:detail", args=[published.pk]))

    assert page.status_code == 200
    assert "public" in page["Cache-Control"]


# add_contributor


def run(*args):
    out = io.StringIO()
    call_command("add_contributor", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_add_contributor_creates_a_staff_contributor_and_prints_a_password_once():
    on = JurisdictionFactory(code="ON")
    bc = JurisdictionFactory(code="BC")

    output = run("alice", "--jurisdiction", "on", "--jurisdiction", "BC", "--email", "alice@ontario.ca")

    user = get_user_model().objects.get(username="alice")
    password = output.splitlines()[2].strip()
    assert user.check_password(password)
    assert (user.is_staff, user.is_superuser, user.email) == (True, False, "alice@ontario.ca")
    assert list(user.groups.values_list("name", flat=True)) == [CONTRIBUTOR]
    assert set(Contributor.objects.filter(user=user).values_list("jurisdiction", flat=True)) == {on.pk, bc.pk}
    assert output.count(password) == 1
    assert "add_totp_device alice" in output


@pytest.mark.django_db
def test_add_contributor_updates_without_a_new_password():
    on = JurisdictionFactory(code="ON")
    JurisdictionFactory(code="BC")
    JurisdictionFactory(code="NS")
    run("alice", "--jurisdiction", "ON", "--jurisdiction", "BC")
    before = get_user_model().objects.get(username="alice").password

    output = run("alice", "--jurisdiction", "ON", "--jurisdiction", "NS")

    user = get_user_model().objects.get(username="alice")
    assert user.password == before
    assert output == "Contributor 'alice' updated, reporting for ON, NS (added NS; removed BC).\n"
    assert set(Contributor.objects.filter(user=user).values_list("jurisdiction__code", flat=True)) == {"ON", "NS"}
    assert user.groups.count() == 1
    assert on.contributors.get() == user


@pytest.mark.django_db
def test_add_contributor_makes_an_existing_user_a_contributor():
    JurisdictionFactory(code="ON")
    existing = UserFactory(username="bob", is_staff=False)

    output = run("bob", "--jurisdiction", "ON")

    existing.refresh_from_db()
    assert existing.is_staff is True
    assert existing.check_password("correct-horse-battery-staple")
    assert "password" not in output


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--jurisdiction", "ZZ"], "No jurisdiction has the code ZZ."),
        (["--jurisdiction", "ON", "--email", "not-an-address"], "Enter a valid email address."),
    ],
)
def test_add_contributor_refuses_bad_input_and_creates_nothing(args, message):
    JurisdictionFactory(code="ON")

    with pytest.raises(CommandError, match=message):
        run("carol", *args)

    assert not get_user_model().objects.filter(username="carol").exists()
