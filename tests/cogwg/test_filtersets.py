"""The FilterSets' forms are made once per class (cogwg.filtersets.FilterSet): no filter
may take its choices from the request, or the first reader's would serve every other.
Each form's own fields are then narrowed to what its reader may see."""

import importlib

from cogwg.filtersets import FilterSet

MODULES = ("cogwg.filtersets", "workplan.filtersets", "jurisdictions.filtersets", "stories.filtersets")


def subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from subclasses(subclass)


def test_no_filter_takes_its_choices_from_the_request():
    for module in MODULES:
        importlib.import_module(module)
    filtersets = list(subclasses(FilterSet))

    assert len(filtersets) >= 8
    assert [
        f"{filterset.__name__}.{name}"
        for filterset in filtersets
        for name, declared in filterset.base_filters.items()
        if callable(getattr(declared, "queryset", None))
    ] == []
