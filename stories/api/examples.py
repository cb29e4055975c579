"""Example answers of the API on user stories and datasets, shown in its OpenAPI docs
(cogwg.api.schema.read_examples). The 2020 demo data holds neither: these are a story the
priority 1 inventory could hold, released under its June milestone, and the dataset it used, on
a portal that is not a real one (as ``cogwg.demo.generate`` does). Checked against the schema and
the API's own answers by tests/api/test_schema.py."""

from cogwg.api.examples import CANADA_SUMMARY

STORY = {
    "url": "https://example.org/api/v1/stories/1/",
    "id": 1,
    "slug": "mapping-flood-risk",
    "slug_fr": "des-chercheurs-cartographient-le-risque-dinondation",
    "title": "Researchers map flood risk",
    "summary": "A university team combined open water data to map flood risk.",
    "story": (
        "Researchers combined daily water levels and flows with elevation data to map the areas at risk of "
        "flooding, and shared the maps with the municipalities concerned."
    ),
    "jurisdiction": CANADA_SUMMARY,
    "user_type": "researcher",
    "impact": "environmental",
    "themes": [{"slug": "environment", "name": "Environment"}],
    "datasets": [
        {
            "url": "https://example.org/api/v1/datasets/1/",
            "id": 1,
            "title": "Water levels and flows",
            "portal_url": "https://ckan.example.org",
            "ckan_id": "water-levels-and-flows",
        }
    ],
    "state": "published",
    "rejection_reason": "",
    "release": {
        "url": "https://example.org/api/v1/milestones/2/",
        "id": 2,
        "due_date": "2020-06-30",
        "description": "release of minimum 1 user story on the open government portal.",
        "status": "not_started",
        "progress": 0,
    },
    "published_on": "2020-06-15",
    "portal_url": "https://ckan.example.org/stories/mapping-flood-risk",
    "created_at": "2020-06-15T10:00:00-04:00",
    "modified_at": "2020-06-15T10:00:00-04:00",
}

STORIES = {"count": 1, "next": None, "previous": None, "results": [STORY]}

DATASET = {
    "url": "https://example.org/api/v1/datasets/1/",
    "id": 1,
    "portal_url": "https://ckan.example.org",
    "ckan_id": "water-levels-and-flows",
    "title": "Water levels and flows",
    "description": "Daily water levels and flows at hydrometric stations.",
    "page_url": "https://ckan.example.org/dataset/water-levels-and-flows",
    "publisher": "Environment and Climate Change Canada",
    "formats": ["CSV", "JSON"],
    "license_title": "Open Government Licence - Canada",
    "metadata_modified": "2020-05-04T09:30:00-04:00",
    "metadata": {
        "id": "5a7c9d1e-0b4f-4c1a-9e2d-3f6b8a0c1d2e",
        "name": "water-levels-and-flows",
        "organization": {"name": "eccc", "title": "Environment and Climate Change Canada"},
        "license_id": "ca-ogl-lgo",
        "license_url": "https://open.canada.ca/en/open-government-licence-canada",
        "metadata_created": "2019-11-18T14:05:12.000000",
        "metadata_modified": "2020-05-04T13:30:00.000000",
        "tags": ["hydrometric", "water"],
        "resources": [
            {
                "id": "b1f0c3a2-6d4e-4f8a-a1b2-c3d4e5f60718",
                "name": "Daily water levels and flows",
                "format": "CSV",
                "url": "https://ckan.example.org/dataset/water-levels-and-flows/resource/daily.csv",
            },
            {
                "id": "c2a1d4b3-7e5f-4a9b-b2c3-d4e5f6071829",
                "name": "Hydrometric stations",
                "format": "JSON",
                "url": "https://ckan.example.org/dataset/water-levels-and-flows/resource/stations.json",
            },
        ],
    },
    "last_harvested": "2020-06-01T02:00:00-04:00",
    "last_harvest_attempt": "2020-06-01T02:00:00-04:00",
    "harvest_error_code": "",
    "created_at": "2020-05-29T14:00:00-04:00",
    "modified_at": "2020-06-01T02:00:00-04:00",
}

DATASETS = {"count": 1, "next": None, "previous": None, "results": [DATASET]}
