"""Page-number pagination with a client-chosen page size (capped). File downloads (CSV,
XLSX) are not paginated: they hold every record the filters select."""

from rest_framework.pagination import PageNumberPagination

FILE_FORMATS = ("csv", "xlsx")


class ApiPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        if getattr(request.accepted_renderer, "format", None) in FILE_FORMATS:
            return None
        return super().paginate_queryset(queryset, request, view)
