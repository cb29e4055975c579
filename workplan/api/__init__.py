"""The REST API of this app, under /api/v1/ (composed in ``cogwg/api/urls.py``)."""
