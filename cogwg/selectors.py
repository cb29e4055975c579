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
