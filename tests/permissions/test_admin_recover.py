"""The secretariat's "Recover deleted records" pages: per model, the records deleted (who
deleted them and when, newest first, by pages, searchable, in the same queries whatever
their number), and the page that restores one as it was just before its deletion (its own
key when free, its many-to-many links, the rows deleted with it, a "restored" entry in its
history), in one transaction, refused with the reason in the page's language (a unique
value now taken, a record it needs that is deleted too, with a link to restore that one
first, an active work plan while one that starts after it is active). A work plan comes
back as its form stores it: an active one closes the plan before it. Contributors get no
such page."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cogwg import admin_recover
from cogwg.choices import PublicationState
from cogwg.models import Meeting, NextStep
from cogwg.recovery import RESTORED, RestoreRefused, record_restore
from jurisdictions.models import Accomplishment, AccomplishmentLink, Challenge, Jurisdiction
from stories.models import UserStory
from tests.factories import (
    AccomplishmentFactory,
    AccomplishmentLinkFactory,
    AssignmentFactory,
    ChallengeFactory,
    JurisdictionFactory,
    MeetingFactory,
    MilestoneFactory,
    NextStepFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    ThemeFactory,
    UserFactory,
    UserStoryFactory,
    WorkPlanFactory,
)
from tests.permissions.conftest import admin_client, messages_of, text, url
from workplan.choices import WorkPlanStatus
from workplan.models import Assignment, Milestone, Priority, ProgressUpdate, WorkPlan
from workplan.services import work_plan_save


def deleted(record, by=None):
    """Delete ``record`` as the admin does (its history row of the deletion, by ``by``);
    returns that row."""
    model, pk = type(record), record.pk
    record._history_user = by
    record.delete()
    return model.history.filter(id=pk).first()


def restore_url(deletion, language="en"):
    return url(deletion.instance_type, "recover", deletion.history_id, language=language)


# 1. The list


def test_the_list_shows_the_deleted_records_newest_first_with_who_and_when(world, client):
    first = deleted(AccomplishmentFactory(jurisdiction=world.on, title_en="First gone"), world.users.secretariat)
    second = deleted(AccomplishmentFactory(jurisdiction=world.bc, title_en="Second gone"), world.users.contributor_bc)
    AccomplishmentFactory(jurisdiction=world.on, title_en="Still there")
    admin_client(client, world.users.secretariat)

    page = client.get(url(Accomplishment, "recoverlist"))

    assert page.status_code == 200
    assert [(row["label"], row["deletion"].history_user) for row in page.context["rows"]] == [
        ("Second gone", world.users.contributor_bc),
        ("First gone", world.users.secretariat),
    ]
    assert [row["url"] for row in page.context["rows"]] == [restore_url(second), restore_url(first)]
    assert "Still there" not in text(page)
    assert "bob" in text(page)


def test_a_record_restored_or_back_is_not_listed_any_more(world, client):
    gone = deleted(AccomplishmentFactory(jurisdiction=world.on, title_en="Gone"), world.users.secretariat)
    admin_client(client, world.users.secretariat)
    assert client.post(restore_url(gone)).status_code == 302

    page = client.get(url(Accomplishment, "recoverlist"))

    assert page.context["rows"] == []
    assert "No record of this kind was deleted." in text(page)


@pytest.mark.parametrize(
    ("search", "found"),
    [("gone", ["Portal gone", "Plan gone"]), ("portail", ["Portal gone"]), ("nothing", [])],
)
def test_the_list_is_searched_in_either_language(world, client, search, found):
    deleted(AccomplishmentFactory(jurisdiction=world.on, title_en="Plan gone", title_fr="Plan disparu"))
    deleted(AccomplishmentFactory(jurisdiction=world.on, title_en="Portal gone", title_fr="Portail disparu"))
    admin_client(client, world.users.secretariat)

    page = client.get(url(Accomplishment, "recoverlist"), {"q": search})

    assert [row["label"] for row in page.context["rows"]] == found


def test_the_list_is_searched_by_number(world, client):
    gone = deleted(AccomplishmentFactory(jurisdiction=world.on, title_en="Numbered"))
    deleted(AccomplishmentFactory(jurisdiction=world.on, title_en="Other"))
    admin_client(client, world.users.secretariat)

    page = client.get(url(Accomplishment, "recoverlist"), {"q": f"#{gone.id}"})
    odd = [client.get(url(Accomplishment, "recoverlist"), {"q": q}) for q in ("²", "9" * 30, "%", "#")]

    assert [row["label"] for row in page.context["rows"]] == ["Numbered"]
    assert [(answer.status_code, answer.context["rows"]) for answer in odd] == [(200, [])] * 4


def test_the_list_is_read_by_pages(world, client, monkeypatch):
    monkeypatch.setattr(admin_recover.RecoverAdminMixin, "recover_per_page", 2)
    for number in range(5):
        deleted(MeetingFactory(title_en=f"Meeting {number}"))
    admin_client(client, world.users.secretariat)

    last = client.get(url(Meeting, "recoverlist"), {"page": 3})
    beyond = client.get(url(Meeting, "recoverlist"), {"page": "abc"})

    assert [row["label"] for row in last.context["rows"]] == ["Meeting 0"]
    assert "Page 3 of 3" in text(last)
    assert [row["label"] for row in beyond.context["rows"]] == ["Meeting 4", "Meeting 3"]


def test_the_list_costs_the_same_queries_whatever_the_number_of_deletions(world, client, django_assert_num_queries):
    deleted(AccomplishmentFactory(jurisdiction=world.on), world.users.secretariat)
    admin_client(client, world.users.secretariat)
    address = url(Accomplishment, "recoverlist")
    client.get(address)  # the session, read once
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(address).context["rows"]) == 1

    for number in range(12):
        deleted(AccomplishmentFactory(jurisdiction=world.on), world.users.contributor_on if number % 2 else None)

    with django_assert_num_queries(len(one)):
        assert len(client.get(address).context["rows"]) == 13


@pytest.mark.parametrize(
    ("language", "present", "absent"),
    [
        ("en", ["Deleted records: accomplishments", "Deleted by", "Deleted on", "1 deleted record."], []),
        (
            "fr",
            [
                "Enregistrements supprimés\u00a0: réalisations",
                "Supprimé par",
                "Supprimé le",
                "1 enregistrement supprimé.",
            ],
            ["Deleted", "deleted", "Search", "Record"],
        ),
    ],
)
def test_the_list_is_in_the_pages_language(world, client, language, present, absent):
    deleted(AccomplishmentFactory(jurisdiction=world.on, title_en="Gone", title_fr="Disparu"), world.users.secretariat)
    admin_client(client, world.users.secretariat)

    page = text(client.get(url(Accomplishment, "recoverlist", language=language)))

    for phrase in present:
        assert phrase in page
    for phrase in absent:
        assert phrase not in page


def test_the_restore_page_costs_the_same_queries_whatever_comes_back_with_it(world, client, django_assert_num_queries):
    def gone_with_links(count):
        accomplishment = AccomplishmentFactory(jurisdiction=world.on)
        AccomplishmentLinkFactory.create_batch(count, accomplishment=accomplishment)
        return deleted(accomplishment, world.users.secretariat)

    few, many = gone_with_links(1), gone_with_links(10)
    admin_client(client, world.users.secretariat)
    client.get(restore_url(few))  # the session, read once
    with CaptureQueriesContext(connection) as one:
        assert client.get(restore_url(few)).context["rows"][0]["count"] == 1

    with django_assert_num_queries(len(one)):
        assert client.get(restore_url(many)).context["rows"][0]["count"] == 10


# 2. Who gets the pages


@pytest.mark.parametrize("role", ["contributor_on", "contributor_bc", "reader"])
def test_no_one_but_the_secretariat_gets_the_pages(world, client, role):
    gone = deleted(AccomplishmentFactory(jurisdiction=world.on, title_en="Ontario's gone"), world.users.contributor_on)
    admin_client(client, getattr(world.users, role))

    listed = client.get(url(Accomplishment, "recoverlist"))
    shown = client.get(restore_url(gone))
    posted = client.post(restore_url(gone))

    assert (listed.status_code, shown.status_code, posted.status_code) == (403, 403, 403)
    assert "Ontario's gone" not in text(listed) + text(shown)
    assert not Accomplishment.objects.filter(pk=gone.id).exists()


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    gone = deleted(AccomplishmentFactory(jurisdiction=world.on))

    assert client.get(url(Accomplishment, "recoverlist")).status_code == 302
    assert client.post(restore_url(gone)).status_code == 302
    assert not Accomplishment.objects.filter(pk=gone.id).exists()


@pytest.mark.parametrize(("role", "linked"), [("secretariat", True), ("contributor_on", False)])
def test_the_change_list_links_the_deleted_records_for_the_secretariat_only(world, client, role, linked):
    admin_client(client, getattr(world.users, role))

    page = client.get(url(Accomplishment, "changelist"))

    assert page.status_code == 200
    assert (url(Accomplishment, "recoverlist") in page.content.decode()) is linked
    assert ("Recover deleted records" in text(page)) is linked


def test_the_change_list_link_is_in_french_on_a_french_page(world, client):
    admin_client(client, world.users.secretariat)

    page = text(client.get(url(Meeting, "changelist", language="fr")))

    assert "Récupérer des enregistrements supprimés" in page
    assert "Recover deleted records" not in page


def test_the_audit_page_links_a_deletion_to_its_restore(world, client):
    gone = deleted(MeetingFactory(title_en="Audited meeting"), world.users.secretariat)
    admin_client(client, world.users.secretariat)

    page = client.get(reverse("admin:audit"), {"model": "cogwg.meeting"})

    (row,) = [row for row in page.context["rows"] if row["change"].kind == "-"]
    assert row["recover_url"] == restore_url(gone)
    assert page.context["recoverlist_url"] == url(Meeting, "recoverlist")


def test_a_deleted_records_version_page_leads_to_its_restore(world, client):
    record = world.next_step
    version = record.history.first()
    gone = deleted(record, world.users.secretariat)
    admin_client(client, world.users.secretariat)

    page = client.get(url(NextStep, "simple_history", gone.id, version.history_id))

    assert page.context["recover_url"] == restore_url(gone)
    assert "Restore it from the deleted records." in text(page)


# 3. Restoring


def test_a_deleted_accomplishment_comes_back_with_its_key_and_its_links(world, client):
    accomplishment = AccomplishmentFactory(jurisdiction=world.on, title_en="Portal", title_fr="Portail")
    first = AccomplishmentLinkFactory(accomplishment=accomplishment, url="https://on.example.ca/a", label_en="A")
    second = AccomplishmentLinkFactory(accomplishment=accomplishment, url="https://on.example.ca/b", label_en="B")
    created_at = accomplishment.created_at
    gone = deleted(accomplishment, world.users.contributor_on)
    admin_client(client, world.users.secretariat)

    page = client.get(restore_url(gone))
    restored = client.post(restore_url(gone))

    assert page.status_code == 200
    assert page.context["rows"] == [{"name": "Links", "count": 2, "labels": [first.url, second.url]}]
    assert restored.status_code == 302
    assert restored.url == url(Accomplishment, "change", gone.id)
    record = Accomplishment.objects.get(pk=gone.id)
    assert (record.title_en, record.title_fr, record.created_at) == ("Portal", "Portail", created_at)
    assert sorted(AccomplishmentLink.objects.filter(accomplishment=record).values_list("pk", "label_en")) == [
        (first.pk, "A"),
        (second.pk, "B"),
    ]
    latest = record.history.first()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "+",
        world.users.secretariat,
        RESTORED,
    )
    assert AccomplishmentLink.history.filter(id=first.pk).first().history_change_reason == RESTORED
    assert messages_of(restored) == [
        (
            "success",
            f'The accomplishment “<a href="{restored.url}">Portal</a>” was restored as it was before its deletion. '
            "2 rows deleted with it were restored with it.",
        )
    ]
    assert LogEntry.objects.get(object_id=str(gone.id)).get_change_message() == "Added."


def test_the_restore_page_shows_the_record_as_it_was(world, client):
    gone = deleted(
        AccomplishmentFactory(
            jurisdiction=world.on, title_en="Portal", title_fr="Portail", date=datetime.date(2020, 1, 2)
        ),
        world.users.contributor_on,
    )
    admin_client(client, world.users.secretariat)

    page = client.get(restore_url(gone))

    fields = dict(page.context["fields"])
    assert (fields["Title [en]"], fields["Title [fr]"], fields["Jurisdiction"], fields["Date"]) == (
        "Portal",
        "Portail",
        "Ontario",
        "Jan. 2, 2020",
    )
    assert "by alice" in text(page)


def test_a_challenge_comes_back_with_its_jurisdictions(world, client):
    challenge = ChallengeFactory(title_en="Shared staffing")
    challenge.jurisdictions.set([world.on, world.bc])
    gone = deleted(challenge, world.users.secretariat)
    admin_client(client, world.users.secretariat)

    page = client.get(restore_url(gone))
    assert client.post(restore_url(gone)).status_code == 302

    assert page.context["members"] == [("Jurisdictions", "British Columbia, Ontario")]
    assert set(Challenge.objects.get(pk=gone.id).jurisdictions.all()) == {world.on, world.bc}


def test_a_story_comes_back_without_a_theme_deleted_since_and_says_so(world, client):
    kept, lost = ThemeFactory(name_en="Transport"), ThemeFactory(name_en="Health")
    story = UserStoryFactory(jurisdiction=world.on, title_en="Bus story")
    story.themes.set([kept, lost])
    gone = deleted(story, world.users.secretariat)
    lost_pk = lost.pk
    lost.delete()
    admin_client(client, world.users.secretariat)

    restored = client.post(restore_url(gone))

    assert list(UserStory.objects.get(pk=gone.id).themes.all()) == [kept]
    ((_level, said),) = messages_of(restored)
    assert said.endswith(
        f"Some of its links could not be restored, as what they led to is deleted: themes (#{lost_pk})."
    )


def test_a_record_whose_key_was_given_to_another_comes_back_under_a_new_one(world, client):
    gone = deleted(MeetingFactory(title_en="Old meeting", date=datetime.date(2020, 3, 3)), world.users.secretariat)
    Meeting.objects.bulk_create([Meeting(pk=gone.id, title_en="Squatter", date=datetime.date(2020, 4, 4))])
    admin_client(client, world.users.secretariat)

    page = client.get(restore_url(gone))
    restored = client.post(restore_url(gone))

    assert page.context["taken"] is True
    assert f"Its number (#{gone.id}) has been given to another record: it will be restored under a new one." in text(
        page
    )
    record = Meeting.objects.get(title_en="Old meeting")
    assert record.pk != gone.id
    ((_level, said),) = messages_of(restored)
    assert f"Its number (#{gone.id}) had been given to another record: it is now #{record.pk}." in said


def test_a_priority_comes_back_with_its_seats_and_milestones(world, client):
    priority = PriorityFactory(work_plan=world.plan, number=5, slug="fifth", title_en="Fifth")
    seat = AssignmentFactory(priority=priority, jurisdiction=world.bc)
    milestone = MilestoneFactory(priority=priority, description_en="Launch")
    gone = deleted(priority, world.users.secretariat)
    admin_client(client, world.users.secretariat)

    page = client.get(restore_url(gone))
    assert client.post(restore_url(gone)).status_code == 302

    assert {table["name"]: table["count"] for table in page.context["rows"]} == {"Seats": 1, "Milestones": 1}
    assert Assignment.objects.get(pk=seat.pk).priority_id == gone.id
    assert Milestone.objects.get(pk=milestone.pk).priority_id == gone.id


def test_a_row_deleted_on_its_own_before_is_not_brought_back_with_its_record(world, client):
    accomplishment = AccomplishmentFactory(jurisdiction=world.on)
    link = AccomplishmentLinkFactory(accomplishment=accomplishment)
    link._history_date = timezone.now() - datetime.timedelta(minutes=1)
    deleted(link, world.users.secretariat)
    gone = deleted(accomplishment, world.users.secretariat)
    admin_client(client, world.users.secretariat)

    assert client.post(restore_url(gone)).status_code == 302

    assert not AccomplishmentLink.objects.filter(pk=link.pk).exists()


def test_a_restored_record_is_no_longer_deleted_and_its_page_says_so(world, client):
    gone = deleted(MeetingFactory(title_en="Twice"), world.users.secretariat)
    admin_client(client, world.users.secretariat)
    assert client.post(restore_url(gone)).status_code == 302

    again = client.post(restore_url(gone))

    assert again.status_code == 302
    assert again.url == url(Meeting, "change", gone.id)
    assert messages_of(again)[-1] == ("info", "This record is no longer deleted: it was restored.")
    assert Meeting.objects.filter(title_en="Twice").count() == 1


def test_a_record_deleted_again_leads_to_its_latest_deletion(world, client):
    first = deleted(MeetingFactory(title_en="Again"), world.users.secretariat)
    admin_client(client, world.users.secretariat)
    assert client.post(restore_url(first)).status_code == 302
    latest = deleted(Meeting.objects.get(pk=first.id), world.users.secretariat)

    page = client.get(restore_url(first))

    assert page.status_code == 302
    assert page.url == restore_url(latest)


@pytest.mark.parametrize("version_id", ["abc", "99999999999999999999", "0", "²"])
def test_an_address_that_names_no_deletion_is_not_found(world, client, version_id):
    admin_client(client, world.users.secretariat)

    assert client.get(url(Meeting, "recover", version_id)).status_code == 404


def test_a_version_that_is_no_deletion_is_not_found(world, client):
    meeting = MeetingFactory()
    admin_client(client, world.users.secretariat)

    assert client.get(url(Meeting, "recover", meeting.history.get().history_id)).status_code == 404


# 4. Refused, nothing written


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "The jurisdiction “Yukon” cannot be restored as it was: Jurisdiction with this Code already exists.",
        ),
        (
            "fr",
            "L'objet administration «\u00a0Yukon\u00a0» ne peut pas être rétabli tel qu'il était\u00a0: "
            "Un objet Administration avec ce champ Code existe déjà.",
        ),
    ],
)
def test_a_code_taken_since_refuses_the_restore(world, client, language, message):
    gone = deleted(JurisdictionFactory(code="YT", name_en="Yukon", name_fr="Yukon"), world.users.secretariat)
    JurisdictionFactory(code="YT", name_en="Yukon again")
    admin_client(client, world.users.secretariat)

    refused = client.post(restore_url(gone, language=language))

    assert refused.status_code == 200
    assert refused.context["refusal"] == [message]
    assert message in text(refused)
    assert not Jurisdiction.objects.filter(pk=gone.id).exists()
    assert Jurisdiction.history.filter(id=gone.id).first().history_type == "-"


@pytest.mark.parametrize(
    ("language", "message", "link"),
    [
        (
            "en",
            "The milestone “Launch” cannot be restored: its priority, “Fifth”, is deleted. Restore it first.",
            "Restore the priority “Fifth” first",
        ),
        (
            "fr",
            "L'objet jalon «\u00a0Launch\u00a0» ne peut pas être rétabli\u00a0: son champ priorité renvoie à "
            "«\u00a0Fifth\u00a0», qui est supprimé. Rétablissez-le d'abord.",
            "Rétablir d'abord l'objet priorité «\u00a0Fifth\u00a0»",
        ),
    ],
)
def test_a_milestone_whose_priority_is_deleted_names_it_to_restore_first(world, client, language, message, link):
    priority = PriorityFactory(work_plan=world.plan, number=5, slug="fifth", title_en="Fifth", title_fr="Fifth")
    milestone = MilestoneFactory(priority=priority, description_en="Launch", description_fr="Launch")
    milestone_pk = milestone.pk
    gone_priority = deleted(priority, world.users.secretariat)
    gone = Milestone.history.filter(id=milestone_pk).first()
    admin_client(client, world.users.secretariat)

    page = client.get(restore_url(gone, language=language))
    refused = client.post(restore_url(gone, language=language))

    assert page.context["refusal"] == [message]
    assert page.context["restore_first"][0]["url"] == restore_url(gone_priority, language=language)
    assert link in text(page)
    assert 'name="_restore"' not in page.content.decode()
    assert refused.context["refusal"] == [message]
    assert not Milestone.objects.filter(pk=milestone_pk).exists()
    # Restoring the priority first brings the milestone back with it.
    assert client.post(restore_url(gone_priority)).status_code == 302
    assert Milestone.objects.filter(pk=milestone_pk).exists()
    assert client.get(restore_url(gone)).status_code == 302


def test_a_row_that_breaks_a_rule_now_refuses_the_whole_restore(world, client):
    """A milestone due outside its plan's dates since they changed: the priority is not
    restored either."""
    priority = PriorityFactory(work_plan=world.plan, number=5, slug="fifth", title_en="Fifth")
    MilestoneFactory(priority=priority, description_en="Launch", due_date=datetime.date(2020, 11, 30))
    gone = deleted(priority, world.users.secretariat)
    world.plan.end_date = datetime.date(2020, 10, 31)
    world.plan.save()
    admin_client(client, world.users.secretariat)

    refused = client.post(restore_url(gone))

    assert refused.status_code == 200
    assert refused.context["refusal"] == [
        "The milestone “Launch” cannot be restored as it was: A milestone is due within its work plan, from "
        "Jan. 1, 2020 to Oct. 31, 2020."
    ]
    assert not Priority.objects.filter(pk=gone.id).exists()
    assert not Milestone.objects.filter(priority_id=gone.id).exists()


def test_a_step_whose_meeting_is_deleted_is_refused_and_nothing_is_written(world, client):
    meeting = MeetingFactory(title_en="Gone meeting")
    step = NextStepFactory(meeting=meeting, text_en="Follow up")
    step_pk = step.pk
    deleted(step, world.users.secretariat)
    deleted(meeting, world.users.secretariat)
    gone = NextStep.history.filter(id=step_pk).first()
    versions = NextStep.history.count()
    admin_client(client, world.users.secretariat)

    refused = client.post(restore_url(gone))

    assert refused.context["refusal"] == [
        "The next step “Follow up” cannot be restored: its meeting, “Gone meeting”, is deleted. Restore it first."
    ]
    assert NextStep.history.count() == versions
    assert not NextStep.objects.filter(pk=step_pk).exists()


def test_a_record_whose_author_account_is_gone_says_so(world, client):
    author = UserFactory(username="gone-author")
    update = ProgressUpdateFactory(
        milestone=world.m1, jurisdiction=world.on, author=author, publication_state=PublicationState.DRAFT
    )
    gone = deleted(update, world.users.secretariat)
    author_pk = author.pk
    author.delete()
    admin_client(client, world.users.secretariat)

    refused = client.post(restore_url(gone))

    assert refused.status_code == 200
    (message,) = refused.context["refusal"]
    assert message.endswith(f"cannot be restored: its author (#{author_pk}) no longer exists.")
    assert refused.context["restore_first"] == []
    assert not ProgressUpdate.objects.filter(pk=gone.id).exists()


def test_a_value_taken_by_a_write_in_between_is_a_refusal_not_an_error(world, client, monkeypatch):
    """The database's uniqueness, met after the checks passed (a write in between)."""
    gone = deleted(JurisdictionFactory(code="YT", name_en="Yukon"), world.users.secretariat)
    JurisdictionFactory(code="YT", name_en="Yukon again")
    monkeypatch.setattr(Jurisdiction, "full_clean", lambda self, *args, **kwargs: None)
    admin_client(client, world.users.secretariat)

    refused = client.post(restore_url(gone))

    assert refused.status_code == 200
    assert refused.context["refusal"] == [
        "The jurisdiction “Yukon” cannot be restored as it was: One of its values is now another record's."
    ]
    assert not Jurisdiction.objects.filter(pk=gone.id).exists()


def test_the_service_refuses_a_deletion_restored_meanwhile(world):
    gone = deleted(MeetingFactory(title_en="Once"), world.users.secretariat)
    record_restore(model=Meeting, deletion=gone, by=world.users.secretariat)

    with pytest.raises(RestoreRefused) as refused:
        record_restore(model=Meeting, deletion=gone, by=world.users.secretariat)

    assert refused.value.messages == ["This record is no longer deleted: it was restored meanwhile."]
    assert Meeting.objects.filter(title_en="Once").count() == 1


def test_the_restore_page_is_in_french_on_a_french_page(world, client):
    gone = deleted(
        AccomplishmentFactory(jurisdiction=world.on, title_en="Portal", title_fr="Portail"), world.users.secretariat
    )
    admin_client(client, world.users.secretariat)

    page = text(client.get(restore_url(gone, language="fr")))

    assert "Rétablir l'enregistrement supprimé «\u00a0Portal\u00a0»" in page or "«\u00a0Portail\u00a0»" in page
    assert "Supprimé le" in page and "par sec" in page
    assert "Le rétablissement le ramène tel qu'il était juste avant sa suppression" in page
    for english in ("Restore", "Deleted", "deleted", "restored", "Rows"):
        assert english not in page


# 5. A work plan: at most one is active


def yearly_plan(year, status):
    return WorkPlanFactory(
        slug=str(year),
        title_en=f"COGWG {year} work plan",
        title_fr=f"Plan de travail {year} du GTGOC",
        summary_en=f"The {year} plan.",
        summary_fr=f"Le plan {year}.",
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
        status=status,
    )


def plan_statuses():
    return dict(WorkPlan.objects.values_list("slug", "status"))


def test_a_deleted_active_plan_comes_back_active_and_closes_the_plan_before_it(world, client):
    """As making it active in its form would: the 2020 plan, active again since the 2022
    plan was deleted, is closed, by the user who restores it."""
    secretariat = world.users.secretariat
    newer = yearly_plan(2022, WorkPlanStatus.DRAFT)
    MilestoneFactory(priority=PriorityFactory(work_plan=newer, number=1), due_date=datetime.date(2022, 6, 30))
    newer.status = WorkPlanStatus.ACTIVE
    work_plan_save(work_plan=newer, by=secretariat)
    gone = deleted(newer, secretariat)
    world.plan.status = WorkPlanStatus.ACTIVE
    work_plan_save(work_plan=world.plan, by=secretariat)
    admin_client(client, secretariat)

    restored = client.post(restore_url(gone))

    assert restored.status_code == 302, restored.context and restored.context["refusal"]
    assert plan_statuses() == {
        "2019": WorkPlanStatus.CLOSED,
        "2020": WorkPlanStatus.CLOSED,
        "2021": WorkPlanStatus.DRAFT,
        "2022": WorkPlanStatus.ACTIVE,
    }
    closing = world.plan.history.first()
    assert (closing.status, closing.history_user) == (WorkPlanStatus.CLOSED, secretariat)
    record = WorkPlan.objects.get(pk=gone.id)
    assert (record.history.first().history_change_reason, record.history.first().history_user) == (
        RESTORED,
        secretariat,
    )
    assert Milestone.objects.filter(priority__work_plan=record).count() == 1


@pytest.mark.parametrize("under_lock", [False, True], ids=["by its form's check", "by the service's, under lock"])
@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "The work plan “COGWG 2018 work plan” cannot be restored as it was: Only one work plan is active at a "
            "time: “Work plan 2020” is active, and it starts on Jan. 1, 2020, not before this one. Close it first to "
            "make this plan active.",
        ),
        (
            "fr",
            "L'objet plan de travail «\u00a0Plan de travail 2018 du GTGOC\u00a0» ne peut pas être rétabli tel qu'il "
            "était\u00a0: Un seul plan de travail est actif à la fois\u00a0: «\u00a0Plan de travail 2020\u00a0» est "
            "actif, et il commence le 1er janvier 2020, pas avant celui-ci. Fermez-le d'abord pour rendre ce plan "
            "actif.",
        ),
    ],
)
def test_a_deleted_active_plan_is_refused_while_a_plan_starting_after_it_is_active(
    world, client, monkeypatch, under_lock, language, message
):
    older = yearly_plan(2018, WorkPlanStatus.DRAFT)
    older.status = WorkPlanStatus.ACTIVE  # as it was when it was deleted, before 2020 was made active
    gone = deleted(older, world.users.secretariat)
    if under_lock:  # the 2020 plan made active after the form's check: the service's, under lock, sees it
        monkeypatch.setattr(WorkPlan, "newer_active_plan", lambda self: None)
    versions = WorkPlan.history.count()
    admin_client(client, world.users.secretariat)

    refused = client.post(restore_url(gone, language=language))

    assert refused.status_code == 200
    assert refused.context["refusal"] == [message]
    assert plan_statuses() == {
        "2019": WorkPlanStatus.CLOSED,
        "2020": WorkPlanStatus.ACTIVE,
        "2021": WorkPlanStatus.DRAFT,
    }
    assert WorkPlan.history.count() == versions


def test_the_service_restores_a_closed_plan_as_it_was_whatever_plan_is_active(world):
    old = yearly_plan(2017, WorkPlanStatus.CLOSED)
    gone = deleted(old, world.users.secretariat)

    restored = record_restore(model=WorkPlan, deletion=gone, by=world.users.secretariat)

    assert restored.records[(WorkPlan, gone.id)].status == WorkPlanStatus.CLOSED
    assert plan_statuses()["2017"] == WorkPlanStatus.CLOSED
    assert WorkPlan.objects.active().get() == world.plan
