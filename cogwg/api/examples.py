"""Example answers of the API on meetings and status reports, shown in its OpenAPI docs
(cogwg.api.schema.read_examples): the Joint Councils meeting of 27 February 2020 and its status
report, as ``manage.py load_cogwg_2020`` loads them, served from https://example.org. A report's
``content`` is shortened to the first item of each list. Checked against the schema and the
API's own answers by tests/api/test_schema.py."""

# The deck's typography (en dashes, curly apostrophes), as the API gives it.
# ruff: noqa: RUF001

# When the demo data is taken to be loaded: every 2020 record's created_at and modified_at.
LOADED_AT = "2020-02-27T09:00:00-05:00"

# The 27 February 2020 meeting as other records name it.
MEETING_SUMMARY = {
    "url": "https://example.org/api/v1/meetings/1/",
    "id": 1,
    "kind": "joint_councils",
    "date": "2020-02-27",
    "title": "Joint Councils – February 27, 2020",
}

# Canada as other records name it.
CANADA_SUMMARY = {"url": "https://example.org/api/v1/jurisdictions/CA/", "code": "CA", "name": "Government of Canada"}

# The 2020 work plan as other records name it.
WORK_PLAN_SUMMARY = {
    "url": "https://example.org/api/v1/work-plans/2020/",
    "slug": "2020",
    "title": "COGWG 2020 Work Plan",
}

MEETING = {
    "url": "https://example.org/api/v1/meetings/1/",
    "id": 1,
    "kind": "joint_councils",
    "date": "2020-02-27",
    "title": "Joint Councils – February 27, 2020",
    "purpose": [
        (
            "Update on key accomplishments of the Canada Open Government Working Group (COGWG) work plan priorities "
            "and ongoing progress."
        ),
        "Report on other notable jurisdictional accomplishments and ongoing challenges.",
        "Outline a few immediate next steps.",
        "Outline of the key elements of the COGWG 2020 Workplan.",
    ],
    "next_steps": [
        {
            "id": 1,
            "parent": None,
            "text": "Build on ongoing progress and collaboratively implement the 2020 work plan.",
            "owner": None,
            "due": None,
            "done": False,
            "order": 1,
        },
        {
            "id": 2,
            "parent": None,
            "text": "In-person meeting to:",
            "owner": None,
            "due": None,
            "done": False,
            "order": 2,
        },
        {
            "id": 3,
            "parent": 2,
            "text": "Discuss lessons learned on the implementation of the 2018-19 work plan",
            "owner": None,
            "due": None,
            "done": False,
            "order": 1,
        },
        {
            "id": 4,
            "parent": 2,
            "text": "Identify ongoing projects for 2020",
            "owner": None,
            "due": None,
            "done": False,
            "order": 2,
        },
        {
            "id": 5,
            "parent": 2,
            "text": "Determine collaboration opportunities for the 2020 work plan",
            "owner": None,
            "due": None,
            "done": False,
            "order": 3,
        },
        {
            "id": 6,
            "parent": 2,
            "text": "Identify additional opportunities to foster holistic pan-Canadian efforts overall.",
            "owner": None,
            "due": None,
            "done": False,
            "order": 4,
        },
        {
            "id": 7,
            "parent": None,
            "text": "Support the development of the new Open Government Partnership Local Strategy.",
            "owner": None,
            "due": None,
            "done": False,
            "order": 3,
        },
        {
            "id": 8,
            "parent": None,
            "text": (
                "Create partnerships to host federal and local government engagement sessions on the 5th "
                "National Action Plan on Open Government."
            ),
            "owner": None,
            "due": None,
            "done": False,
            "order": 4,
        },
    ],
    "created_at": LOADED_AT,
    "modified_at": LOADED_AT,
}

MEETINGS = {"count": 1, "next": None, "previous": None, "results": [MEETING]}

STATUS_REPORT = {
    "url": "https://example.org/api/v1/status-reports/1/",
    "id": 1,
    "title": "Status report – Joint Councils, February 27, 2020",
    "work_plan": WORK_PLAN_SUMMARY,
    "as_of": "2020-02-27",
    "meeting": MEETING_SUMMARY,
    "state": "published",
    "content": {
        "schema": 2,
        "report": {
            "id": 1,
            "title": {
                "en": "Status report – Joint Councils, February 27, 2020",
                "fr": "Rapport d'étape – Conseils mixtes, 27 février 2020",
            },
            "as_of": "2020-02-27",
            "period_start": "2020-01-01",
            "previous_report": None,
        },
        "meeting": {
            "id": 1,
            "kind": "joint_councils",
            "date": "2020-02-27",
            "title": {"en": "Joint Councils – February 27, 2020", "fr": "Conseils mixtes – 27 février 2020"},
        },
        "work_plan": {
            "id": 1,
            "slug": "2020",
            "title": {
                "en": "COGWG 2020 Work Plan",
                "fr": "Plan de travail 2020 du GTGO",
            },
            "start_date": "2020-01-01",
            "end_date": "2020-12-31",
            "source_url": "https://gccollab.ca/file/group/304959/all",
            "status": "not_started",
            "progress": 0.0,
            "counts": {"not_started": 21, "on_track": 0, "at_risk": 0, "delayed": 0, "completed": 0, "cancelled": 0},
        },
        "purpose": {
            "en": [
                (
                    "Update on key accomplishments of the Canada Open Government Working Group (COGWG) "
                    "work plan priorities and ongoing progress."
                ),
                "Report on other notable jurisdictional accomplishments and ongoing challenges.",
                "Outline a few immediate next steps.",
                "Outline of the key elements of the COGWG 2020 Workplan.",
            ],
            "fr": [
                (
                    "Faire le point sur les principales réalisations liées aux priorités du plan de "
                    "travail du Groupe de travail sur le gouvernement ouvert du Canada (GTGO) et sur les "
                    "progrès en cours."
                ),
                "Rendre compte d'autres réalisations notables des administrations et des défis qui persistent.",
                "Présenter quelques prochaines étapes immédiates.",
                "Présentation des éléments clés du plan de travail 2020 du GTGO.",
            ],
        },
        "background": [
            {
                "slug": "open-government",
                "title": {
                    "en": "Open Government and why it matters",
                    "fr": "Le gouvernement ouvert et pourquoi il est important",
                },
                "intro": {
                    "en": (
                        "Open Government is about greater transparency and accountability, "
                        "strengthening democracy and citizen participation, and driving "
                        "innovation and economic opportunities for all Canadians. It is:"
                    ),
                    "fr": (
                        "Le gouvernement ouvert vise une transparence et une responsabilisation "
                        "accrues, le renforcement de la démocratie et de la participation "
                        "citoyenne, ainsi que la stimulation de l'innovation et des possibilités "
                        "économiques pour tous les Canadiens. Il constitue\u00a0:"
                    ),
                },
                "points": {
                    "en": [
                        "A key priority for the Government of Canada and governments across Canada;",
                        "A recognized international undertaking;",
                        (
                            "An opportunity for public servants to more effectively deliver the "
                            "programs and services Canadians want and expect;"
                        ),
                        (
                            "Well aligned with the Joint Council’s priorities on digital strategy "
                            "and client-centric Services."
                        ),
                    ],
                    "fr": [
                        "une priorité clé pour le gouvernement du Canada et les gouvernements de partout au Canada;",
                        "une initiative internationale reconnue;",
                        (
                            "une occasion pour les fonctionnaires d'offrir plus efficacement les "
                            "programmes et services que les Canadiens veulent et attendent;"
                        ),
                        (
                            "une démarche bien harmonisée avec les priorités des Conseils mixtes en "
                            "matière de stratégie numérique et de services axés sur le client."
                        ),
                    ],
                },
            }
        ],
        "priorities": [
            {
                "id": 1,
                "number": 1,
                "slug": "open-data-user-stories",
                "title": {"en": "Open Data User Stories", "fr": "Récits d'utilisateurs de données ouvertes"},
                "status": "not_started",
                "progress": 0.0,
                "counts": {"not_started": 4, "on_track": 0, "at_risk": 0, "delayed": 0, "completed": 0, "cancelled": 0},
                "completed": [],
                "due": [1],
                "overdue": [],
                "latest_notes": [],
                "issue": {
                    "en": "Canadians don’t know what can be done with open data",
                    "fr": "Les Canadiens ne savent pas ce qu'il est possible de faire avec les données ouvertes",
                },
                "consequences": {
                    "en": ["The social and economic impact of open data is not maximized"],
                    "fr": ["Les retombées sociales et économiques des données ouvertes ne sont pas maximisées"],
                },
                "outcome": {"en": "Inventories of stories are created", "fr": "Des inventaires de récits sont créés"},
                "results": {
                    "en": [
                        "Governments can showcase their efforts and impacts",
                        "Canadians are inspired by these stories and use open data",
                    ],
                    "fr": [
                        "Les gouvernements peuvent mettre en valeur leurs efforts et leurs retombées",
                        "Les Canadiens sont inspirés par ces récits et utilisent les données ouvertes",
                    ],
                },
                "seats": [
                    {
                        "role": "lead",
                        "jurisdiction": "CA",
                        "confirmed": True,
                        "holder": {
                            "en": "Treasury Board of Canada Secretariat",
                            "fr": "Secrétariat du Conseil du Trésor du Canada",
                        },
                    },
                    {
                        "role": "lead",
                        "jurisdiction": None,
                        "confirmed": True,
                        "holder": {"en": "TBD", "fr": "à déterminer"},
                    },
                ],
                "activities": [
                    {
                        "id": 1,
                        "due_date": "2020-03-31",
                        "month": {"en": "March 2020", "fr": "mars 2020"},
                        "description": {
                            "en": "initial inventory of user story established.",
                            "fr": "inventaire initial des récits d'utilisateurs établi.",
                        },
                        "kind": "deliverable",
                        "status": "not_started",
                        "progress": 0,
                        "overdue": False,
                        "note": {"en": "", "fr": ""},
                        "reported_on": None,
                    }
                ],
            }
        ],
        # The demo data holds no user story yet.
        "stories": {
            "period": {"received": 0, "published": 0},
            "plan": {"received": 0, "published": 0},
            "to_date": {"received": 0, "published": 0},
        },
        "accomplishments": [
            {
                "id": 5,
                "jurisdiction": {
                    "code": "SK",
                    "name": {"en": "Saskatchewan", "fr": "Saskatchewan"},
                    "short_name": {"en": "", "fr": ""},
                },
                "title": {
                    "en": "Saskatchewan is creating a public engagement office",
                    "fr": "La Saskatchewan met sur pied un bureau de mobilisation du public",
                },
                "description": {"en": "", "fr": ""},
                "category": "engagement",
                "date": None,
                "reported_on": "2020-02-27",
                "priority": None,
                "links": [],
            }
        ],
        "challenges": [
            {
                "id": 1,
                "title": {
                    "en": "Lack of resources (HR and funding) in some jurisdictions to fully engage on OG",
                    "fr": (
                        "Manque de ressources (RH et financement) dans certaines administrations "
                        "pour s'engager pleinement dans le gouvernement ouvert"
                    ),
                },
                "description": {"en": "", "fr": ""},
                "category": "resources",
                "status": "open",
                "new": True,
                "jurisdictions": [],
                "mitigation": {"en": "", "fr": ""},
                "reported_on": "2020-02-27",
                "resolved_on": None,
            }
        ],
        "next_steps": [
            {
                "text": {
                    "en": "Build on ongoing progress and collaboratively implement the 2020 work plan.",
                    "fr": (
                        "Tirer parti des progrès en cours et mettre en œuvre le plan de travail 2020 en collaboration."
                    ),
                },
                "owner": None,
                "due": None,
                "done": False,
                "children": [],
            }
        ],
    },
    "checksum": "8b14409fb866b0ca739ff99bbcb65a98a0e4a639e5ca7822e8c28e452f078b86",
    "frozen_at": "2020-02-27T09:00:00-05:00",
    "files": [
        {
            "format": "csv",
            "language": "en",
            "status": "ready",
            "file": "https://example.org/api/v1/status-reports/1/files/en.csv",
            "rendered_at": "2020-02-27T09:00:05-05:00",
        },
        {
            "format": "csv",
            "language": "fr",
            "status": "ready",
            "file": "https://example.org/api/v1/status-reports/1/files/fr.csv",
            "rendered_at": "2020-02-27T09:00:05-05:00",
        },
        {
            "format": "pdf",
            "language": "en",
            "status": "ready",
            "file": "https://example.org/api/v1/status-reports/1/files/en.pdf",
            "rendered_at": "2020-02-27T09:00:05-05:00",
        },
        {
            "format": "pdf",
            "language": "fr",
            "status": "ready",
            "file": "https://example.org/api/v1/status-reports/1/files/fr.pdf",
            "rendered_at": "2020-02-27T09:00:05-05:00",
        },
        {
            "format": "pptx",
            "language": "en",
            "status": "ready",
            "file": "https://example.org/api/v1/status-reports/1/files/en.pptx",
            "rendered_at": "2020-02-27T09:00:05-05:00",
        },
        {
            "format": "pptx",
            "language": "fr",
            "status": "ready",
            "file": "https://example.org/api/v1/status-reports/1/files/fr.pptx",
            "rendered_at": "2020-02-27T09:00:05-05:00",
        },
        {
            "format": "xlsx",
            "language": "en",
            "status": "ready",
            "file": "https://example.org/api/v1/status-reports/1/files/en.xlsx",
            "rendered_at": "2020-02-27T09:00:05-05:00",
        },
        {
            "format": "xlsx",
            "language": "fr",
            "status": "ready",
            "file": "https://example.org/api/v1/status-reports/1/files/fr.xlsx",
            "rendered_at": "2020-02-27T09:00:05-05:00",
        },
    ],
    "created_at": LOADED_AT,
    "modified_at": LOADED_AT,
}

STATUS_REPORTS = {"count": 1, "next": None, "previous": None, "results": [STATUS_REPORT]}
