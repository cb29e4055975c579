"""Read queries on the working group's own records that pages, the API and reports share."""

from collections.abc import Iterable

from .models import LinkCheck


def link_status_for(urls: Iterable[str]) -> dict[str, LinkCheck]:
    """The last check of each of ``urls`` that has been checked, by URL, in one query (none
    for no URLs). Pages mark a link whose check ``is_unreachable`` rather than hiding it."""
    urls = {url for url in urls if url}
    if not urls:
        return {}
    return {check.url: check for check in LinkCheck.objects.filter(url__in=urls)}


def next_steps_by_parent(steps) -> dict:
    """A meeting's steps, given in their order, under the step each is a sub-point of:
    ``None`` holds the meeting's own steps (and any whose parent is not among them)."""
    ids = {step.pk for step in steps}
    children = {}
    for step in steps:
        children.setdefault(step.parent_id if step.parent_id in ids else None, []).append(step)
    return children
