"""The list of stories filtered by a dataset and put in another order from its own form, by
the controls' names as a screen reader gives them, with no axe-core violation."""

import datetime

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def stories(demo):
    from tests.factories import DatasetFactory, UserStoryFactory

    water = DatasetFactory(title_en="Water levels", title_fr="Niveaux d'eau")
    for slug, title_en, title_fr, published_on in [
        ("flood-maps", "Flood maps", "Cartes des inondations", datetime.date(2020, 5, 1)),
        ("boating", "Safer boating", "Navigation plus sûre", datetime.date(2020, 4, 1)),
    ]:
        story = UserStoryFactory(slug=slug, title_en=title_en, title_fr=title_fr, published_on=published_on)
        story.datasets.set([water])
    return demo


@pytest.mark.parametrize(
    ("language", "dataset", "sort_by", "order", "apply", "expected"),
    [
        (
            "en",
            "Water levels",
            "Sort by",
            "Title, Z to A",
            "Apply filters",
            ["Safer boating", "Flood maps"],
        ),
        (
            "fr",
            "Niveaux d'eau",
            "Trier par",
            "Titre, de A à Z",
            "Appliquer les filtres",
            ["Cartes des inondations", "Navigation plus sûre"],
        ),
    ],
)
def test_a_reader_filters_by_dataset_and_sorts_from_the_form(
    page, stories, language, dataset, sort_by, order, apply, expected
):
    page.goto("/en/user-stories/" if language == "en" else "/fr/recits-utilisateurs/")
    assert page.locator(".card h3").count() == 3
    assert_accessible(page)

    page.get_by_role("checkbox", name=dataset).check()
    page.get_by_role("combobox", name=sort_by).select_option(label=order)
    page.get_by_role("button", name=apply).click()
    page.wait_for_load_state()

    assert page.locator(".card h3").all_inner_texts() == expected
    assert page.get_by_role("checkbox", name=dataset).is_checked()
    assert page.get_by_role("combobox", name=sort_by).input_value() != ""
    assert page.locator(f'#id_ordering option:checked:text-is("{order}")').count() == 1
    assert_accessible(page)
