"""Example answers of the API on jurisdictions, accomplishments and challenges, shown in its
OpenAPI docs (cogwg.api.schema.read_examples): the 2020 demo data as ``manage.py
load_cogwg_2020`` loads it, served from https://example.org. A list's example is its first page
with ``?page_size=2``. Checked against the schema and the API's own answers by
tests/api/test_schema.py."""

# The deck's typography (en dashes), as the API gives it.
# ruff: noqa: RUF001

from cogwg.api.examples import LOADED_AT, MEETING_SUMMARY

JURISDICTION = {
    "url": "https://example.org/api/v1/jurisdictions/CA/",
    "id": 1,
    "code": "CA",
    "name": "Government of Canada",
    "short_name": "",
    "kind": "federal",
    "website": "https://www.canada.ca/",
    "open_data_url": "",
    "open_government_url": "",
    "is_member": True,
    "order": 10,
    "created_at": LOADED_AT,
    "modified_at": LOADED_AT,
}

JURISDICTIONS = {
    "count": 14,
    "next": "https://example.org/api/v1/jurisdictions/?page=2&page_size=2",
    "previous": None,
    "results": [
        JURISDICTION,
        {
            "url": "https://example.org/api/v1/jurisdictions/BC/",
            "id": 2,
            "code": "BC",
            "name": "British Columbia",
            "short_name": "BC",
            "kind": "provincial",
            "website": "https://www2.gov.bc.ca/",
            "open_data_url": "",
            "open_government_url": "",
            "is_member": True,
            "order": 20,
            "created_at": LOADED_AT,
            "modified_at": LOADED_AT,
        },
    ],
}

ACCOMPLISHMENT = {
    "url": "https://example.org/api/v1/accomplishments/1/",
    "id": 1,
    "jurisdiction": {"url": "https://example.org/api/v1/jurisdictions/YT/", "code": "YT", "name": "Yukon"},
    "title": "Yukon has launched its open data portal",
    "description": "",
    "date": None,
    "category": "portal",
    "priority": None,
    "meeting": MEETING_SUMMARY,
    "links": [{"url": "https://open.yukon.ca/data/", "label": "Yukon open data portal"}],
    "publication_state": "published",
    "review_comment": "",
    "published_at": "2020-02-27T00:00:00-05:00",
    "created_at": LOADED_AT,
    "modified_at": LOADED_AT,
}

ACCOMPLISHMENTS = {
    "count": 6,
    "next": "https://example.org/api/v1/accomplishments/?page=2&page_size=2",
    "previous": None,
    "results": [
        {
            "url": "https://example.org/api/v1/accomplishments/5/",
            "id": 5,
            "jurisdiction": {
                "url": "https://example.org/api/v1/jurisdictions/SK/",
                "code": "SK",
                "name": "Saskatchewan",
            },
            "title": "Saskatchewan is creating a public engagement office",
            "description": "",
            "date": None,
            "category": "engagement",
            "priority": None,
            "meeting": MEETING_SUMMARY,
            "links": [],
            "publication_state": "published",
            "review_comment": "",
            "published_at": "2020-02-27T00:00:00-05:00",
            "created_at": LOADED_AT,
            "modified_at": LOADED_AT,
        },
        {
            "url": "https://example.org/api/v1/accomplishments/6/",
            "id": 6,
            "jurisdiction": {"url": "https://example.org/api/v1/jurisdictions/MB/", "code": "MB", "name": "Manitoba"},
            "title": "Manitoba has launched the engagement section of their website",
            "description": "",
            "date": None,
            "category": "engagement",
            "priority": None,
            "meeting": MEETING_SUMMARY,
            "links": [],
            "publication_state": "published",
            "review_comment": "",
            "published_at": "2020-02-27T00:00:00-05:00",
            "created_at": LOADED_AT,
            "modified_at": LOADED_AT,
        },
    ],
}

CHALLENGE = {
    "url": "https://example.org/api/v1/challenges/1/",
    "id": 1,
    "title": "Lack of resources (HR and funding) in some jurisdictions to fully engage on OG",
    "description": "",
    "category": "resources",
    "jurisdictions": [],
    "status": "open",
    "mitigation": "",
    "first_reported_at": {
        "url": "https://example.org/api/v1/meetings/1/",
        "id": 1,
        "kind": "joint_councils",
        "date": "2020-02-27",
        "title": "Joint Councils – February 27, 2020",
    },
    "first_reported_on": "2020-02-27",
    "resolved_on": None,
    "publication_state": "published",
    "review_comment": "",
    "published_at": "2020-02-27T00:00:00-05:00",
    "created_at": LOADED_AT,
    "modified_at": LOADED_AT,
}

CHALLENGES = {
    "count": 4,
    "next": "https://example.org/api/v1/challenges/?page=2&page_size=2",
    "previous": None,
    "results": [
        CHALLENGE,
        {
            "url": "https://example.org/api/v1/challenges/2/",
            "id": 2,
            "title": "Slowdown in momentum on OG programs in some regions due to political transition",
            "description": "",
            "category": "political_transition",
            "jurisdictions": [],
            "status": "open",
            "mitigation": "",
            "first_reported_at": {
                "url": "https://example.org/api/v1/meetings/1/",
                "id": 1,
                "kind": "joint_councils",
                "date": "2020-02-27",
                "title": "Joint Councils – February 27, 2020",
            },
            "first_reported_on": "2020-02-27",
            "resolved_on": None,
            "publication_state": "published",
            "review_comment": "",
            "published_at": "2020-02-27T00:00:00-05:00",
            "created_at": LOADED_AT,
            "modified_at": LOADED_AT,
        },
    ],
}
