"""The story form counts a long answer's line breaks as the browser does (one character
each, though it sends CRLF), and lets the browser fill in the submitter's name and
address (WCAG 1.3.5, identify input purpose)."""

from html import unescape

import pytest
from django.core.cache import cache

from stories.forms import StorySubmissionForm
from stories.models import UserStory
from tests.factories import JurisdictionFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def valid_story(**changes):
    data = {
        "title": "Des cliniques plus proches",
        "summary": "Une chercheuse a cartographié les cliniques.",
        "story": "",
        "user_type": "researcher",
        "impact": "social",
        "jurisdiction": "",
        "datasets": "",
        "submitter_name": "",
        "submitter_email": "camille@example.org",
        "consent": "on",
        "website": "",
    }
    return data | changes


@pytest.fixture(autouse=True)
def references(db):
    JurisdictionFactory(code="QC")
    ThemeFactory(slug="health")
    cache.clear()  # the form's rate limit
    yield
    cache.clear()


def lines(count, width):
    """``count`` lines of ``width`` characters, as a browser sends a textarea's text."""
    return "\r\n".join(["x" * width] * count)


def test_a_summary_of_the_longest_length_with_line_breaks_is_accepted_and_stored_with_plain_ones(client):
    summary = lines(10, 99) + "x"  # 1000 characters as the browser counts them, 1009 as sent

    response = client.post("/fr/recits-utilisateurs/soumettre/", valid_story(summary=summary))

    assert response.status_code == 302
    stored = UserStory.objects.get().summary_fr
    assert len(stored) == 1000
    assert "\r" not in stored
    assert stored.count("\n") == 9


def test_a_story_of_the_longest_length_with_line_breaks_is_accepted(client):
    story = lines(100, 99)  # 9999 characters as the browser counts them, 10098 as sent

    response = client.post("/en/user-stories/submit/", valid_story(story=story))

    assert response.status_code == 302
    assert len(UserStory.objects.get().story_en) == 9999


def test_a_summary_too_long_even_counted_as_the_browser_does_is_refused_in_french(client):
    summary = lines(10, 100)  # 1009 characters as the browser counts them

    response = client.post("/fr/recits-utilisateurs/soumettre/", valid_story(summary=summary))

    assert response.status_code == 200
    assert "Assurez-vous que cette valeur comporte au plus 1000 caractères (actuellement 1009)." in unescape(
        response.content.decode()
    )
    assert UserStory.objects.count() == 0


def test_the_datasets_listed_on_lines_ending_in_crlf_are_read_one_per_line():
    form = StorySubmissionForm(
        valid_story(datasets="https://example.org/dataset/a\r\nhttps://example.org/dataset/b\r\n")
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["datasets"] == ["https://example.org/dataset/a", "https://example.org/dataset/b"]


def test_the_browser_may_fill_in_the_submitters_name_and_address(client):
    html = client.get("/en/user-stories/submit/").content.decode()

    assert 'autocomplete="name"' in html
    assert 'autocomplete="email"' in html
    form = StorySubmissionForm()
    assert form.fields["submitter_name"].widget.attrs["autocomplete"] == "name"
    assert form.fields["submitter_email"].widget.attrs["autocomplete"] == "email"
    assert form.fields["submitter_email"].widget.input_type == "email"
