"""Fakes of the outside world (CKAN portals, web pages) served on 127.0.0.1 for tests."""
