"""/.well-known/security.txt publishes each of COGWG_SECURITY_CONTACTS as RFC 9116 asks: a
URI. An operator who writes a bare e-mail address gets it published with mailto:."""

import pytest

from cogwg.wellknown import security_contact_uri

pytestmark = pytest.mark.django_db


def test_a_bare_address_is_published_as_a_mailto_uri(client, settings):
    settings.COGWG_SECURITY_CONTACTS = ["security@example.gc.ca", "https://example.gc.ca/security"]

    response = client.get("/.well-known/security.txt", secure=True)

    contacts = [line for line in response.content.decode().splitlines() if line.startswith("Contact: ")]
    assert contacts == ["Contact: mailto:security@example.gc.ca", "Contact: https://example.gc.ca/security"]


@pytest.mark.parametrize(
    ("contact", "uri"),
    [
        ("security@example.gc.ca", "mailto:security@example.gc.ca"),
        (" security@example.gc.ca ", "mailto:security@example.gc.ca"),
        ("mailto:security@example.gc.ca", "mailto:security@example.gc.ca"),
        ("MAILTO:security@example.gc.ca", "MAILTO:security@example.gc.ca"),
        ("https://example.gc.ca/security", "https://example.gc.ca/security"),
        ("tel:+1-613-555-0100", "tel:+1-613-555-0100"),
        ("http://example.gc.ca/security", None),  # RFC 9116: a web URI is https
        ("security team", None),
        ("security@localhost", None),
        ("mailto:", None),
        ("https://", None),
    ],
)
def test_what_each_contact_is_published_as(contact, uri):
    assert security_contact_uri(contact) == uri


def test_contacts_none_of_which_is_an_address_publish_no_file(client, settings):
    settings.COGWG_SECURITY_CONTACTS = ["security team"]

    assert client.get("/.well-known/security.txt", secure=True).status_code == 404
