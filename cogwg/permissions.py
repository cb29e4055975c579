"""Who may see and change what: the one place the admin, the API and the site ask.

Roles are groups (created by jurisdictions/migrations/0004_roles.py with ``roles_sync``):

- **Secretariat** (and superusers): everything; sees drafts, publishes, returns for changes.
- **Jurisdiction contributor**: a user bound to jurisdictions (``jurisdictions.Contributor``).
  They see what the public sees plus their jurisdictions' unpublished records. They add
  and change their jurisdictions' accomplishments, challenges that list only their
  jurisdictions (a challenge across jurisdictions is the secretariat's) and user
  stories (a story a member of the public sent through the form is the secretariat's: a
  contributor sees it once it is published, like anyone), and post progress updates on
  the milestones of a published plan, not closed (its log is kept as it was closed),
  whose priority gives one of their jurisdictions a seat (lead or partner). They change
  a record while it is a draft or returned (a story while it is submitted, before the
  secretariat takes it up) and submit it for review; they never publish.
- **Joint Councils reader**: what the public sees, plus draft and frozen status reports.
- Everyone else, anonymous included: what is published.

The secretariat also sets up the contributors' and readers' accounts (cogwg/admin_accounts.py):
it creates them, changes their names, e-mail addresses, passwords and active status, puts
them in those two groups only, enrols and removes their second factor, and lifts lockouts.
An account that is a superuser, in any other group (the secretariat's own) or that holds a
permission of its own is not theirs (``manageable_accounts``): changing its password or
second factor would hand them its rights.

Adding, changing and deleting also need Django's model permission (``app.add_model``…),
which the groups grant, so that the admin and the API answer the same way. Querysets are
narrowed by ``visible`` (reads) and ``editable`` (writes); a single record is judged by
the ``can_*`` functions on the same querysets, so a rule is written once (each answer read
once per request's user while nothing is written: ``_answer``).
"""

import itertools

from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.signals import m2m_changed, post_save

from jurisdictions.models import Accomplishment, Challenge, Contributor, Jurisdiction
from stories.choices import StoryState
from stories.models import UserStory
from workplan.models import Assignment, Milestone, ProgressUpdate

from .choices import PublicationState
from .models import StatusReport

SECRETARIAT = "Secretariat"
CONTRIBUTOR = "Jurisdiction contributor"
JOINT_COUNCILS_READER = "Joint Councils reader"

PROJECT_APPS = ("cogwg", "jurisdictions", "workplan", "stories")

# What each role's group may do in the admin and the API, before the row-level rules.
# The secretariat's group holds every model permission of the project's apps, and those of
# SECRETARIAT_ACCOUNT_PERMISSIONS (below).
ROLE_PERMISSIONS = {
    CONTRIBUTOR: (
        "jurisdictions.view_jurisdiction",
        *(
            f"jurisdictions.{action}_{model}"
            for model in ("accomplishment", "accomplishmentlink", "challenge")
            for action in ("view", "add", "change", "delete")
        ),
        "workplan.view_workplan",
        "workplan.view_priority",
        "workplan.view_assignment",
        "workplan.view_milestone",
        *(f"workplan.{action}_progressupdate" for action in ("view", "add", "change", "delete")),
        # Stories are rejected by the secretariat, never deleted by a contributor.
        *(f"stories.{action}_userstory" for action in ("view", "add", "change")),
        "stories.view_theme",
        "stories.view_dataset",
        "cogwg.view_meeting",
        "cogwg.view_nextstep",
        "cogwg.view_reportingperiod",
    ),
    JOINT_COUNCILS_READER: ("cogwg.view_statusreport", "cogwg.view_statusreportfile"),
}
# The groups the secretariat may put an account in, and what else its group holds beyond
# the project's apps: the accounts of those groups (create and change, never delete: an
# account is deactivated, its history keeps its name), their second factor, the lockouts.
ACCOUNT_GROUPS = (CONTRIBUTOR, JOINT_COUNCILS_READER)
SECRETARIAT_ACCOUNT_PERMISSIONS = (
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "otp_totp.view_totpdevice",
    "otp_totp.add_totpdevice",
    "otp_totp.delete_totpdevice",
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
)

# The records contributors file, and those of them they may delete (while editable).
CONTRIBUTED_MODELS = (Accomplishment, Challenge, UserStory, ProgressUpdate)
CONTRIBUTOR_DELETES = (Accomplishment, Challenge, ProgressUpdate)
# A contributor changes and submits a record in these states; then it is the secretariat's.
EDITABLE_STATES = (PublicationState.DRAFT, PublicationState.RETURNED)
SUBMITTABLE_STATES = EDITABLE_STATES


# Roles


def _active(user) -> bool:
    """Roles are held by active staff: an account whose "staff status" is taken away keeps
    no role's rights, in the admin or through the API."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def _groups(user) -> frozenset[str]:
    """The names of ``user``'s groups, read once per user object (a request's user)."""
    if not _active(user):
        return frozenset()
    if not hasattr(user, "_cogwg_groups"):
        user._cogwg_groups = frozenset(user.groups.values_list("name", flat=True))
    return user._cogwg_groups


def jurisdiction_ids(user) -> frozenset[int]:
    """The jurisdictions ``user`` is bound to as a contributor, read once per user object."""
    if not _active(user):
        return frozenset()
    if not hasattr(user, "_cogwg_jurisdictions"):
        # Bound to a jurisdiction, and in the contributors' group: out of the group, no
        # jurisdiction's drafts either.
        bound = Contributor.objects.filter(user=user, user__groups__name=CONTRIBUTOR)
        user._cogwg_jurisdictions = frozenset(bound.values_list("jurisdiction_id", flat=True))
    return user._cogwg_jurisdictions


def is_secretariat(user) -> bool:
    return _active(user) and (user.is_superuser or SECRETARIAT in _groups(user))


def is_contributor(user) -> bool:
    return not is_secretariat(user) and bool(jurisdiction_ids(user))


def is_joint_councils_reader(user) -> bool:
    return JOINT_COUNCILS_READER in _groups(user)


def acting_jurisdictions(user) -> QuerySet:
    """The jurisdictions ``user`` acts for: all of them for the secretariat, those they are
    bound to for a contributor, none for anyone else."""
    if is_secretariat(user):
        return Jurisdiction.objects.all()
    if not _active(user):
        return Jurisdiction.objects.none()
    return Jurisdiction.objects.filter(contributions__user=user)


# The visibility key of a reader who sees only what is published.
PUBLIC_VISIBILITY = "public"


def visibility_key(user) -> str:
    """What ``user`` sees, for cache keys: users with the same key see the same records."""
    if is_secretariat(user):
        return "all"
    parts = ["reports"] if is_joint_councils_reader(user) else []
    if ids := jurisdiction_ids(user):
        parts.append("jurisdictions:" + ",".join(str(pk) for pk in sorted(ids)))
    return "+".join(parts) or PUBLIC_VISIBILITY


# Row-level rules, as querysets


def _public(queryset: QuerySet) -> QuerySet:
    """What the public sees of ``queryset``: each model's own ``published()``."""
    if hasattr(queryset, "published"):
        return queryset.published()
    return queryset


# A story filed by a contributor (in the admin or the API), not sent by a member of the
# public through the form (stories.services.story_submit). A submission carries its
# sender's address and the language of their form; the language stays when the address is
# disposed of (cogwg/retention.py), so that a rejected submission stays the secretariat's.
FILED_STORY = Q(submitter_email="", submitter_language="")


def _owned(model, ids) -> Q | None:
    """The records of ``model`` that belong to the jurisdictions ``ids`` (None: the model
    belongs to no jurisdiction). A challenge belongs to them when it lists some of them and
    no other: one across jurisdictions, or naming others too, is the secretariat's. A story
    belongs to them when one of them filed it: what the public sent, reviewed by the
    secretariat alone, is not theirs to read or change, even about their jurisdiction."""
    if model is UserStory:
        return Q(jurisdiction__in=ids) & FILED_STORY
    if model in (Accomplishment, ProgressUpdate):
        return Q(jurisdiction__in=ids)
    if model is Challenge:
        listed = Challenge.jurisdictions.through.objects.filter(challenge=OuterRef("pk"))
        return Q(Exists(listed)) & ~Q(Exists(listed.exclude(jurisdiction__in=ids)))
    return None


def _editable(model, ids) -> Q | None:
    owned = _owned(model, ids) if model in CONTRIBUTED_MODELS else None
    if owned is None:
        return None
    if model is UserStory:
        return owned & Q(state=StoryState.SUBMITTED)
    editable = owned & Q(publication_state__in=EDITABLE_STATES)
    if model is ProgressUpdate:
        # Still on a milestone the jurisdiction may report on (a closed plan's takes none).
        seat = Assignment.objects.filter(
            priority=OuterRef("milestone__priority"), jurisdiction=OuterRef("jurisdiction")
        )
        editable &= Q(milestone__in=Milestone.objects.published().open_for_updates()) & Q(Exists(seat))
    return editable


def visible(user, queryset: QuerySet) -> QuerySet:
    """The records of ``queryset`` that ``user`` may see."""
    if is_secretariat(user):
        return queryset
    if queryset.model is StatusReport and is_joint_councils_reader(user):
        return queryset
    public = _public(queryset)
    ids = jurisdiction_ids(user)
    owned = _owned(queryset.model, ids) if ids else None
    if owned is None:
        return public
    return queryset.filter(Q(pk__in=public.values("pk")) | owned)


def editable(user, queryset: QuerySet) -> QuerySet:
    """The records of ``queryset`` that ``user`` may change, delete or submit (the model
    permission aside)."""
    if is_secretariat(user):
        return queryset
    ids = jurisdiction_ids(user)
    rule = _editable(queryset.model, ids) if ids else None
    return queryset.none() if rule is None else queryset.filter(rule)


def reportable_milestones(user, queryset: QuerySet | None = None) -> QuerySet:
    """The milestones ``user`` may post progress on: all for the secretariat (the services
    refuse a closed plan's, saying why); for a contributor, those of published plans, not
    closed (``Milestone.objects.open_for_updates``), whose priority gives one of their
    jurisdictions a seat."""
    queryset = Milestone.objects.all() if queryset is None else queryset
    if is_secretariat(user):
        return queryset
    ids = jurisdiction_ids(user)
    if not ids:
        return queryset.none()
    seats = Assignment.objects.filter(priority=OuterRef("priority"), jurisdiction__in=ids)
    reportable = Milestone.objects.published().open_for_updates()
    return queryset.filter(pk__in=reportable.values("pk")).filter(Exists(seats))


def limited_fields(user, model) -> tuple[str, ...]:
    """The related fields of ``model`` whose choices ``limit_choices`` narrows for
    ``user``: those that say whose a contributor's record is."""
    if is_secretariat(user) or model not in CONTRIBUTED_MODELS:
        return ()
    if model is Challenge:
        return ("jurisdictions",)
    if model is ProgressUpdate:
        return ("milestone", "jurisdiction")
    return ("jurisdiction",)


def limit_choices(user, model, field_name: str, queryset: QuerySet) -> QuerySet:
    """The choices ``user`` has for the related field ``field_name`` of ``model`` when
    filing a record: their jurisdictions, the milestones they may report on."""
    if field_name not in limited_fields(user, model):
        return queryset
    if field_name == "milestone":
        return reportable_milestones(user, queryset)
    return queryset.filter(pk__in=jurisdiction_ids(user))


# One record

# The admin asks the same question of one record several times per page (its change and
# delete permissions, each inline's, the object tools, the History link, the submit
# button): each answer is read once per user object (a request's user, as its groups and
# jurisdictions are) and kept while it cannot have changed. An answer is read from what
# the database holds (the record's row, its jurisdictions, its milestone and plan, the
# seats, the reporting periods), not from the record object, so all of them are dropped:
# - on any save or many-to-many change, of any model: a record moved to another
#   jurisdiction, a state changed by a service, a seat given up, a period closed. Keeping
#   the other records' answers, or keying them on the values that decide them, would have
#   to know every table a rule reads; a page that writes asks again, once. A write that
#   sends no such signal (``QuerySet.update``) is followed by saves that do
#   (``seats_vacate``), or bears on none of these rules. Deletions are not listened to:
#   a receiver of every model's ``post_delete`` would make Django read every row it
#   deletes (no fast delete: the retention's thousands of sign-in records); the admin and
#   the API delete in a transaction block, whose end drops the answers (below);
# - when a transaction block they were read in ends: one rolled back (a save the admin
#   refuses, shown again with the reason) takes back what they were read from.
# Another process's write in the middle of the request is a race the request runs
# without the memo too: the memo lives as long as the user object, a request's.
_write_counter = itertools.count(1)
_generation = 0


def _data_written(**_signal_kwargs):
    global _generation
    _generation = next(_write_counter)


post_save.connect(_data_written, dispatch_uid="cogwg_permissions_answers_save")
m2m_changed.connect(_data_written, dispatch_uid="cogwg_permissions_answers_m2m")


def _answer(user, question: str, record, ask) -> bool:
    """``ask()``: the answer to ``question`` about the stored ``record`` for ``user``,
    read once while the data it was read from stands (above)."""
    if user is None or record.pk is None:
        return ask()
    blocks = tuple(transaction.get_connection().atomic_blocks)
    memo = getattr(user, "_cogwg_answers", None)
    if memo is None or memo[0] != _generation or memo[1] != blocks[: len(memo[1])]:
        memo = (_generation, blocks, {})
        user._cogwg_answers = memo
    key = (question, type(record)._meta.label, record.pk)
    answers = memo[2]
    if key not in answers:
        answers[key] = bool(ask())
    return answers[key]


def _perm(user, action: str, model) -> bool:
    opts = model._meta
    return _active(user) and user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def _one(record) -> QuerySet:
    return type(record)._default_manager.filter(pk=record.pk)


def can_view_unpublished(user) -> bool:
    """May ``user`` see every draft and record under review (not only their own)?"""
    return is_secretariat(user)


def can_view_unpublished_reports(user) -> bool:
    """May ``user`` read draft and frozen status reports before they are published?"""
    return is_secretariat(user) or is_joint_councils_reader(user)


def can_view(user, record) -> bool:
    if record.pk is None:
        return False
    return is_secretariat(user) or _answer(user, "visible", record, lambda: visible(user, _one(record)).exists())


def can_view_history(user, record) -> bool:
    """A contributor reads the history of their jurisdictions' records only: another's
    history would show its earlier drafts."""
    if is_secretariat(user):
        return True
    ids = jurisdiction_ids(user)
    if not ids:
        return can_view(user, record)
    owned = _owned(type(record), ids)
    return owned is not None and _answer(user, "owned", record, lambda: _one(record).filter(owned).exists())


def visible_versions(user, model, versions: QuerySet) -> QuerySet:
    """The versions (historical records) among ``versions``, of records of ``model`` whose
    history ``user`` may read (``can_view_history``), that they may read: a contributor
    reads those saved while the record was their jurisdictions', and those they saved
    themselves; a record moved to their jurisdiction keeps its earlier drafts from them.
    Anyone else reads them all."""
    if is_secretariat(user):
        return versions
    ids = jurisdiction_ids(user)
    if not ids:
        return versions
    owned = _owned_version(model, ids)
    if owned is None:
        return versions.none()
    return versions.filter(owned | Q(history_user=user))


def _owned_version(model, ids) -> Q | None:
    """``_owned`` for the versions of ``model``. A challenge's version lists the
    jurisdictions the challenge had then (django-simple-history keeps them by version)."""
    if model is Challenge:
        return _owned_challenge_version(ids)
    return _owned(model, ids)


def _owned_challenge_version(ids) -> Q:
    """A challenge's version lists only jurisdictions among ``ids``; or it is the version
    of its creation, which lists none, and the challenge had only such jurisdictions right
    after it.

    django-simple-history records the row when it is saved and the many-to-many values
    when they are set: a new challenge (in the admin, the API) is kept as a creation
    version without jurisdictions, then a version ("~") with them. That next version
    completes the creation when the row was not saved in between (the same
    ``modified_at``): the two hold the same values but the jurisdictions, so the creation
    shows nothing of a time when the challenge was another's. A challenge created without
    jurisdictions (across jurisdictions: the secretariat's) and given some at a later save
    keeps its creation version from contributors. A creation version with no version
    after it (rows written in bulk, cogwg/demo/generate.py) goes with the challenge's
    jurisdictions now: it has not changed since."""
    history = Challenge.history.model
    members = history.jurisdictions.model._default_manager

    def only_theirs(listed):
        return Q(Exists(listed)) & ~Q(Exists(listed.exclude(jurisdiction__in=ids)))

    def after(ref):
        """The versions after the version ``ref`` names the fields of (an ``OuterRef``)."""
        return Q(history_date__gt=ref("history_date")) | Q(
            history_date=ref("history_date"), history_id__gt=ref("history_id")
        )

    listed = members.filter(history=OuterRef("pk"))
    next_version = (
        history._default_manager.filter(after(lambda name: OuterRef(OuterRef(name))), id=OuterRef(OuterRef("id")))
        .order_by("history_date", "history_id")
        .values("pk")[:1]
    )
    completion_listed = members.filter(
        history=Subquery(next_version), history__history_type="~", history__modified_at=OuterRef("modified_at")
    )
    unchanged_since = ~Q(Exists(history._default_manager.filter(after(OuterRef), id=OuterRef("id"))))
    listed_now = Challenge.jurisdictions.through._default_manager.filter(challenge=OuterRef("id"))
    creation = Q(history_type="+") & ~Q(Exists(listed))
    return only_theirs(listed) | (
        creation & (only_theirs(completion_listed) | (unchanged_since & only_theirs(listed_now)))
    )


def can_view_review(user, record) -> bool:
    """A record's review (who submitted it and when, the secretariat's comment) is between
    its jurisdictions and the secretariat: others read the published record only."""
    return record.pk is not None and can_view_history(user, record)


def can_add(user, model) -> bool:
    """May ``user`` create a record of ``model`` (what it may hold: ``can_save``)?"""
    if not _perm(user, "add", model):
        return False
    return is_secretariat(user) or (model in CONTRIBUTED_MODELS and bool(jurisdiction_ids(user)))


def can_change(user, record) -> bool:
    if not _perm(user, "change", type(record)):
        return False
    return is_secretariat(user) or (record.pk is not None and _editable_record(user, record))


def can_delete(user, record) -> bool:
    if not _perm(user, "delete", type(record)):
        return False
    if is_secretariat(user):
        return True
    return type(record) in CONTRIBUTOR_DELETES and record.pk is not None and _editable_record(user, record)


def _editable_record(user, record) -> bool:
    """Is the stored ``record`` among those ``user`` may change or delete (``editable``)?"""
    return _answer(user, "editable", record, lambda: editable(user, _one(record)).exists())


def can_publish(user, record_or_model) -> bool:
    """Publish, withdraw, or return for changes: the secretariat's."""
    model = record_or_model if isinstance(record_or_model, type) else type(record_or_model)
    return is_secretariat(user) and _perm(user, "change", model)


def can_submit(user, record_or_model) -> bool:
    """Submit a draft or returned record for review (given a model: some record of it)."""
    if isinstance(record_or_model, type):
        model = record_or_model
        return (
            hasattr(model, "publication_state")
            and _perm(user, "change", model)
            and (is_secretariat(user) or (model in CONTRIBUTED_MODELS and bool(jurisdiction_ids(user))))
        )
    if getattr(record_or_model, "publication_state", None) not in SUBMITTABLE_STATES:
        return False
    if isinstance(record_or_model, ProgressUpdate) and is_locked(user, record_or_model):
        return False
    return can_change(user, record_or_model)


def is_locked(user, update) -> bool:
    """Is ``update`` (a progress update, or None) one of a closed reporting period, locked
    (cogwg/cycles.py's ``progress_update_is_locked``, asked once per user object)? The
    services refuse it with the reason."""
    from .cycles import progress_update_is_locked  # cogwg/cycles.py imports this module

    if update is None or update.jurisdiction_id is None:
        return progress_update_is_locked(update)  # no: asked of no row
    return _answer(user, "locked", update, lambda: progress_update_is_locked(update))


def can_save(user, record, *, jurisdictions=None) -> bool:
    """May ``user`` store ``record`` with the values it now holds: a new record, or one
    they may change (``can_change``, asked first) with its changes? ``jurisdictions`` are
    a challenge's jurisdictions as they will be saved (jurisdictions or their ids): the
    many-to-many values reach the record only once it is saved."""
    if is_secretariat(user):
        return True
    model, ids = type(record), jurisdiction_ids(user)
    if not ids or model not in CONTRIBUTED_MODELS:
        return False
    if model is UserStory:
        filed = not record.submitter_email and not record.submitter_language
        return filed and record.jurisdiction_id in ids and record.state == StoryState.SUBMITTED
    if record.publication_state not in EDITABLE_STATES:
        return False
    if model is Challenge:
        if jurisdictions is None:
            jurisdictions = record.jurisdictions.all() if record.pk else ()
        listed = {getattr(jurisdiction, "pk", jurisdiction) for jurisdiction in jurisdictions}
        return bool(listed) and listed <= ids
    if record.jurisdiction_id not in ids:
        return False
    if model is ProgressUpdate:
        return (
            reportable_milestones(user, Milestone.objects.filter(pk=record.milestone_id))
            .filter(priority__seats__jurisdiction=record.jurisdiction_id)
            .exists()
        )
    return True


# The admin


def shows_in_admin(user, model) -> bool:
    """Is ``model`` in ``user``'s admin (index and menu)? Contributors and readers see a
    reduced admin: what they work on, not what they can merely look up."""
    if is_secretariat(user):
        return True
    contributor, reader = is_contributor(user), is_joint_councils_reader(user)
    if not (contributor or reader):
        return True  # other staff: as their model permissions say
    return (contributor and model in CONTRIBUTED_MODELS) or (reader and model is StatusReport)


def can_view_audit(user) -> bool:
    return is_secretariat(user)


# Accounts


def manageable_accounts(user, queryset: QuerySet | None = None) -> QuerySet:
    """The accounts (users) ``user`` may change, set a password or a second factor for:
    every one for a superuser; for the secretariat, those that are not superusers, belong
    to no group but ``ACCOUNT_GROUPS`` and hold no permission of their own; none for
    anyone else. The secretariat's own accounts are not among them: who sets another
    member's password or authenticator can sign in with their rights."""
    User = get_user_model()
    queryset = User._default_manager.all() if queryset is None else queryset
    if _active(user) and user.is_superuser:
        return queryset
    if not is_secretariat(user):
        return queryset.none()
    other_groups = User.groups.through.objects.filter(user=OuterRef("pk")).exclude(group__name__in=ACCOUNT_GROUPS)
    own_permissions = User.user_permissions.through.objects.filter(user=OuterRef("pk"))
    return queryset.filter(is_superuser=False).exclude(Exists(other_groups)).exclude(Exists(own_permissions))


def can_manage_account(user, account) -> bool:
    if account is None or account.pk is None:
        return False
    return _answer(user, "manageable", account, lambda: manageable_accounts(user, _one(account)).exists())


def account_groups(user, queryset: QuerySet) -> QuerySet:
    """The groups ``user`` may put an account in: any for a superuser, the contributors'
    and the readers' for the secretariat."""
    if _active(user) and user.is_superuser:
        return queryset
    return queryset.filter(name__in=ACCOUNT_GROUPS) if is_secretariat(user) else queryset.none()


# The groups


def roles_sync(apps=global_apps, *, missing_ok: bool = False) -> None:
    """Create the roles' groups and give them their permissions (idempotent). Takes the
    migration's ``apps`` when called from one. A permission that does not exist yet is an
    error, unless ``missing_ok`` (a migration run before the model's own). Every ``migrate``
    calls it once it is done (``cogwg.apps.sync_roles``): a new model or a new right of a
    role needs no data migration of its own."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def listed(name, codenames):
        wanted = Q()
        for label in codenames:
            app_label, codename = label.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        permissions = list(Permission.objects.filter(wanted).select_related("content_type"))
        missing = set(codenames) - {f"{p.content_type.app_label}.{p.codename}" for p in permissions}
        if missing and not missing_ok:
            raise LookupError(f"Permissions missing for {name}: {', '.join(sorted(missing))}")
        return permissions

    secretariat, _created = Group.objects.get_or_create(name=SECRETARIAT)
    secretariat.permissions.set(
        [
            *Permission.objects.filter(content_type__app_label__in=PROJECT_APPS),
            *listed(SECRETARIAT, SECRETARIAT_ACCOUNT_PERMISSIONS),
        ]
    )
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(listed(name, codenames))
