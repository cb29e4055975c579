"""Page-number pagination with a client-chosen page size. File downloads (CSV, XLSX) are
not paginated: they hold every record the filters select.

``page`` and ``page_size`` are whole numbers from 1: anything else is a 400 naming the
parameter (DRF would silently take the default size, and answer a 404 to ``page=abc``).
A ``page_size`` above ``max_page_size`` is capped (the schema says so); a page past the
last one is a 404."""

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import replace_query_param

FILE_FORMATS = ("csv", "xlsx")


def whole_number(request, name: str) -> int | None:
    """The query parameter ``name`` as a whole number from 1, None when absent; a 400
    naming it (in the request's language) otherwise."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return serializers.IntegerField(min_value=1).run_validation(raw)
    except ValidationError as error:
        raise ValidationError({name: error.detail}) from error


class ApiPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        if getattr(request.accepted_renderer, "format", None) in FILE_FORMATS:
            return None
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        size = whole_number(request, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param) in self.last_page_strings:
            return paginator.num_pages
        return whole_number(request, self.page_query_param) or 1

    def get_next_link(self):
        return self._with_page_size(super().get_next_link())

    def get_previous_link(self):
        return self._with_page_size(super().get_previous_link())

    def _with_page_size(self, url):
        # A capped size is carried on as the size given, not as the one asked for.
        if url is None or self.page_size_query_param not in self.request.query_params:
            return url
        return replace_query_param(url, self.page_size_query_param, self.page.paginator.per_page)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["description"] = (
                    f"Records per page, from 1; {self.page_size} by default, and at most {self.max_page_size} "
                    "(a larger size gives pages of that many). Anything else is a 400."
                )
            elif parameter["name"] == self.page_query_param:
                parameter["description"] = (
                    "A page number, from 1. Anything else is a 400; a page past the last one is a 404."
                )
        return parameters
