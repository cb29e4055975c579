"""Example answers of the work plan's API, shown in its OpenAPI docs (cogwg.api.schema.read_examples):
the 2020 work plan as ``manage.py load_cogwg_2020`` loads it, served from https://example.org. A
list's example is its first page with ``?page_size=2``. The demo data holds no progress update:
``PROGRESS_UPDATE`` is one the secretariat could post on the first milestone. Checked against
the schema and the API's own answers by tests/api/test_schema.py."""

# The deck's typography (curly apostrophes), as the API gives it.
# ruff: noqa: RUF001

from cogwg.api.examples import CANADA_SUMMARY, LOADED_AT, WORK_PLAN_SUMMARY

# The seats of priorities 1 and 2 ("TBS and TBD" in the deck): the federal lead, and a lead
# still to be determined.
TBS_AND_TBD = [
    {
        "role": "lead",
        "jurisdiction": CANADA_SUMMARY,
        "organization": "Treasury Board of Canada Secretariat",
        "confirmed": True,
        "holder": "Treasury Board of Canada Secretariat",
    },
    {"role": "lead", "jurisdiction": None, "organization": "", "confirmed": True, "holder": "TBD"},
]

WORK_PLAN = {
    "url": "https://example.org/api/v1/work-plans/2020/",
    "status_url": "https://example.org/api/v1/work-plans/2020/status/",
    "id": 1,
    "slug": "2020",
    "title": "COGWG 2020 Work Plan",
    "summary": (
        "The Canada Open Government Working Group's work plan for 2020, as outlined to the Joint Councils on "
        "February 27, 2020: five priorities, each with the issue it addresses, its expected outcome, its leads and "
        "partners, and its activities from March to December 2020. More detailed information on COGWG 2020 "
        "Work Plan is available in Gccollab."
    ),
    "status": "active",
    "start_date": "2020-01-01",
    "end_date": "2020-12-31",
    "source_url": "https://gccollab.ca/file/group/304959/all",
    "priorities": [
        {"url": "https://example.org/api/v1/priorities/1/", "id": 1, "number": 1, "title": "Open Data User Stories"},
        {
            "url": "https://example.org/api/v1/priorities/2/",
            "id": 2,
            "number": 2,
            "title": "Support and enhancement of Digital common extensions (CKAN) for open governments portals",
        },
        {"url": "https://example.org/api/v1/priorities/3/", "id": 3, "number": 3, "title": "Publish with a purpose"},
        {"url": "https://example.org/api/v1/priorities/4/", "id": 4, "number": 4, "title": "Open Government Literacy"},
        {
            "url": "https://example.org/api/v1/priorities/5/",
            "id": 5,
            "number": 5,
            "title": "Inclusion, Public engagement and Dialogue",
        },
    ],
    "created_at": LOADED_AT,
    "modified_at": LOADED_AT,
}

WORK_PLANS = {"count": 1, "next": None, "previous": None, "results": [WORK_PLAN]}

PRIORITY = {
    "url": "https://example.org/api/v1/priorities/1/",
    "id": 1,
    "work_plan": WORK_PLAN_SUMMARY,
    "number": 1,
    "slug": "open-data-user-stories",
    "slug_fr": "recits-dutilisateurs-de-donnees-ouvertes",
    "title": "Open Data User Stories",
    "issue": "Canadians don’t know what can be done with open data",
    "consequences": ["The social and economic impact of open data is not maximized"],
    "outcome": "Inventories of stories are created",
    "results": [
        "Governments can showcase their efforts and impacts",
        "Canadians are inspired by these stories and use open data",
    ],
    "seats": TBS_AND_TBD,
    "progress": 0.0,
    "status": "not_started",
    "milestones": [
        {
            "url": "https://example.org/api/v1/milestones/1/",
            "id": 1,
            "due_date": "2020-03-31",
            "description": "initial inventory of user story established.",
            "status": "not_started",
            "progress": 0,
        },
        {
            "url": "https://example.org/api/v1/milestones/2/",
            "id": 2,
            "due_date": "2020-06-30",
            "description": "release of minimum 1 user story on the open government portal.",
            "status": "not_started",
            "progress": 0,
        },
        {
            "url": "https://example.org/api/v1/milestones/3/",
            "id": 3,
            "due_date": "2020-09-30",
            "description": "second round of releases based on lessons learned from first release.",
            "status": "not_started",
            "progress": 0,
        },
        {
            "url": "https://example.org/api/v1/milestones/4/",
            "id": 4,
            "due_date": "2020-12-31",
            "description": "Systematic ongoing collection of user stories for the inventory and for release.",
            "status": "not_started",
            "progress": 0,
        },
    ],
    "created_at": LOADED_AT,
    "modified_at": LOADED_AT,
}

PRIORITIES = {
    "count": 5,
    "next": "https://example.org/api/v1/priorities/?page=2&page_size=2",
    "previous": None,
    "results": [
        PRIORITY,
        {
            "url": "https://example.org/api/v1/priorities/2/",
            "id": 2,
            "work_plan": WORK_PLAN_SUMMARY,
            "number": 2,
            "slug": "ckan-common-extensions",
            "slug_fr": (
                "soutien-et-amelioration-des-extensions-numeriques-communes-ckan-des-portails-de-gouvernement-ouvert"
            ),
            "title": "Support and enhancement of Digital common extensions (CKAN) for open governments portals",
            "issue": "Jurisdictions working in isolation",
            "consequences": ["Duplication of work across Canada", "Slower pace of advancement"],
            "outcome": "Ongoing collaborative support and enhancement of CKAN",
            "results": [
                "Common extensions used across jurisdictions",
                "Better awareness of new resources, faster development",
            ],
            "seats": TBS_AND_TBD,
            "progress": 0.0,
            "status": "not_started",
            "milestones": [
                {
                    "url": "https://example.org/api/v1/milestones/5/",
                    "id": 5,
                    "due_date": "2020-03-31",
                    "description": "Working group established.",
                    "status": "not_started",
                    "progress": 0,
                },
                {
                    "url": "https://example.org/api/v1/milestones/6/",
                    "id": 6,
                    "due_date": "2020-06-30",
                    "description": "Engagement with CKAN community through the online forums.",
                    "status": "not_started",
                    "progress": 0,
                },
                {
                    "url": "https://example.org/api/v1/milestones/7/",
                    "id": 7,
                    "due_date": "2020-09-30",
                    "description": (
                        "Sharing resources developed and best practices among the community (data "
                        "quality, visualizations, system integrations); sharing of templates for "
                        "working in the open."
                    ),
                    "status": "not_started",
                    "progress": 0,
                },
                {
                    "url": "https://example.org/api/v1/milestones/8/",
                    "id": 8,
                    "due_date": "2020-12-31",
                    "description": (
                        "Ongoing community engagement at developer level and beyond to ensure "
                        "momentum and continued use of CKAN and its common extensions."
                    ),
                    "status": "not_started",
                    "progress": 0,
                },
            ],
            "created_at": LOADED_AT,
            "modified_at": LOADED_AT,
        },
    ],
}

MILESTONE = {
    "url": "https://example.org/api/v1/milestones/1/",
    "id": 1,
    "priority": {
        "url": "https://example.org/api/v1/priorities/1/",
        "id": 1,
        "number": 1,
        "title": "Open Data User Stories",
    },
    "lead_jurisdictions": [CANADA_SUMMARY],
    "due_date": "2020-03-31",
    "due_label": "March 2020",
    "quarter": "2020-Q1",
    "description": "initial inventory of user story established.",
    "kind": "deliverable",
    "status": "not_started",
    "progress": 0,
    "completed_on": None,
    "overdue": True,
    "order": 1,
    "created_at": LOADED_AT,
    "modified_at": LOADED_AT,
}

MILESTONES = {
    "count": 21,
    "next": "https://example.org/api/v1/milestones/?page=2&page_size=2",
    "previous": None,
    "results": [
        MILESTONE,
        {
            "url": "https://example.org/api/v1/milestones/2/",
            "id": 2,
            "priority": {
                "url": "https://example.org/api/v1/priorities/1/",
                "id": 1,
                "number": 1,
                "title": "Open Data User Stories",
            },
            "lead_jurisdictions": [CANADA_SUMMARY],
            "due_date": "2020-06-30",
            "due_label": "June 2020",
            "quarter": "2020-Q2",
            "description": "release of minimum 1 user story on the open government portal.",
            "kind": "deliverable",
            "status": "not_started",
            "progress": 0,
            "completed_on": None,
            "overdue": True,
            "order": 2,
            "created_at": LOADED_AT,
            "modified_at": LOADED_AT,
        },
    ],
}

PROGRESS_UPDATE = {
    "url": "https://example.org/api/v1/progress-updates/1/",
    "id": 1,
    "milestone": {
        "url": "https://example.org/api/v1/milestones/1/",
        "id": 1,
        "due_date": "2020-03-31",
        "description": "initial inventory of user story established.",
        "status": "completed",
        "progress": 100,
    },
    "reported_on": "2020-03-31",
    "status": "completed",
    "progress": 100,
    "note": "Initial inventory of user stories established.",
    "jurisdiction": CANADA_SUMMARY,
    "publication_state": "published",
    "review_comment": "",
    "published_at": "2020-04-01T10:00:00-04:00",
    "created_at": "2020-04-01T10:00:00-04:00",
    "modified_at": "2020-04-01T10:00:00-04:00",
}

PROGRESS_UPDATES = {"count": 1, "next": None, "previous": None, "results": [PROGRESS_UPDATE]}

# Priority 1's first milestone in the plan's status of 30 June 2020, as the overdue list and
# its priority both show it.
FIRST_MILESTONE_JUNE_30 = {
    "url": "https://example.org/api/v1/milestones/1/",
    "id": 1,
    "due_date": "2020-03-31",
    "description": "initial inventory of user story established.",
    "kind": "deliverable",
    "status": "not_started",
    "progress": 0,
    "overdue": True,
    "note": "",
    "reported_on": None,
}

STATUS = {
    "work_plan": WORK_PLAN_SUMMARY,
    "as_of": "2020-06-30",
    "progress": 0.0,
    "status": "not_started",
    "counts": {"not_started": 21, "on_track": 0, "at_risk": 0, "delayed": 0, "completed": 0, "cancelled": 0},
    "due_soon": 5,
    "overdue": [FIRST_MILESTONE_JUNE_30],
    "priorities": [
        {
            "url": "https://example.org/api/v1/priorities/1/",
            "id": 1,
            "number": 1,
            "title": "Open Data User Stories",
            "progress": 0.0,
            "status": "not_started",
            "counts": {"not_started": 4, "on_track": 0, "at_risk": 0, "delayed": 0, "completed": 0, "cancelled": 0},
            "seats": TBS_AND_TBD,
            "milestones": [
                FIRST_MILESTONE_JUNE_30,
                {
                    "url": "https://example.org/api/v1/milestones/2/",
                    "id": 2,
                    "due_date": "2020-06-30",
                    "description": "release of minimum 1 user story on the open government portal.",
                    "kind": "deliverable",
                    "status": "not_started",
                    "progress": 0,
                    "overdue": False,
                    "note": "",
                    "reported_on": None,
                },
                {
                    "url": "https://example.org/api/v1/milestones/3/",
                    "id": 3,
                    "due_date": "2020-09-30",
                    "description": "second round of releases based on lessons learned from first release.",
                    "kind": "deliverable",
                    "status": "not_started",
                    "progress": 0,
                    "overdue": False,
                    "note": "",
                    "reported_on": None,
                },
                {
                    "url": "https://example.org/api/v1/milestones/4/",
                    "id": 4,
                    "due_date": "2020-12-31",
                    "description": "Systematic ongoing collection of user stories for the inventory and for release.",
                    "kind": "ongoing",
                    "status": "not_started",
                    "progress": 0,
                    "overdue": False,
                    "note": "",
                    "reported_on": None,
                },
            ],
        }
    ],
    # The demo data holds no story yet.
    "stories": {"plan": {"received": 0, "published": 0}, "to_date": {"received": 0, "published": 0}},
}
