"""Content negotiation that says why: an address asked for in a format it does not give
(``?format=csv`` on the plan's status, say) is a 404 naming the formats it does give,
where DRF's says only "Not found."."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            formats = ", ".join(dict.fromkeys(renderer.format for renderer in renderers))
            raise NotFound(
                _("This address has no “%(format)s” format: it answers in %(formats)s.")
                % {"format": format, "formats": formats}
            )
        return matching
