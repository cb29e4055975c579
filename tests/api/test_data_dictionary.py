"""The open data page's data dictionary names every field each download gives, in the
API's order, in both languages."""

import csv
import io

import pytest
from django.utils import translation

from cogwg.open_data import RESOURCES, data_dictionary
from tests.api.records import build

pytestmark = pytest.mark.django_db

RESOURCE_NAMES = [resource for resource, _url_name, _model in RESOURCES]


def dictionary(language="en"):
    """{resource: [(name, kind, description)]}, the texts as the page gives them."""
    with translation.override(language):
        return {
            resource: [(column.name, str(column.kind), str(column.description)) for column in columns]
            for resource, _title, columns in data_dictionary()
        }


@pytest.mark.parametrize("resource", RESOURCE_NAMES)
def test_the_dictionary_lists_every_field_of_the_json_answer_in_its_order(api, resource):
    list_path, _detail = build(resource, 1)

    record = api.get(list_path, {"format": "json"}).json()["results"][0]

    assert [name for name, _kind, _description in dictionary()[resource]] == list(record)


@pytest.mark.parametrize("resource", RESOURCE_NAMES)
def test_every_csv_column_is_a_field_of_the_dictionary(api, resource):
    list_path, _detail = build(resource, 1)

    header = next(csv.reader(io.StringIO(api.get(list_path, {"format": "csv"}).content.decode("utf-8-sig"))))

    names = {name for name, _kind, _description in dictionary()[resource]}
    assert {column.split(".")[0] for column in header} <= names


@pytest.mark.parametrize("resource", RESOURCE_NAMES)
def test_every_column_is_described_in_french(resource):
    english, french = dictionary("en")[resource], dictionary("fr")[resource]

    assert [name for name, *_texts in french] == [name for name, *_texts in english]
    untranslated = [
        name for (name, *texts), (_name, *in_english) in zip(french, english, strict=True) if texts == in_english
    ]
    assert untranslated == []
