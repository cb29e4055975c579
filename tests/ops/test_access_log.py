"""gunicorn's access lines (deploy/gunicorn.conf.py) name the client as Django counts it
(cogwg.security.client_ip, DJANGO_NUM_PROXIES), not the X-Forwarded-For chain as sent,
whose first addresses a client writes itself."""

import datetime
import importlib.util
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings as django_settings
from gunicorn.config import Config


@pytest.fixture(scope="module")
def gunicorn_conf():
    spec = importlib.util.spec_from_file_location(
        "cogwg_gunicorn_conf", django_settings.BASE_DIR / "deploy" / "gunicorn.conf.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def logged_address(gunicorn_conf, environ):
    config = Config()
    config.set("accesslog", "-")
    logger = gunicorn_conf.JsonAccessLogger(config)
    logger.access_log = mock.Mock()
    response = SimpleNamespace(headers=[("X-Request-ID", "r-1")], status="200 OK", sent=2)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/en/", **environ}

    logger.access(response, None, environ, datetime.timedelta(milliseconds=3))

    return logger.access_log.info.call_args.kwargs["extra"]["remote_addr"]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # nginx's address for the client, last
        (1, "203.0.113.9", "203.0.113.9"),
        (0, "198.51.100.7", "10.0.0.5"),  # no proxy trusted: the socket's peer
        (1, "", "10.0.0.5"),
    ],
)
def test_the_access_line_names_the_client_django_counts(gunicorn_conf, settings, proxies, forwarded, expected):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    environ = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": forwarded}

    assert logged_address(gunicorn_conf, environ) == expected
