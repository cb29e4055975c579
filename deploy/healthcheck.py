"""Container healthcheck of the web service: GET a health path on the local gunicorn.

``python deploy/healthcheck.py /healthz`` exits 0 when it answers 200. It sends the first
allowed host and ``X-Forwarded-Proto: https``, as nginx would, so that neither the host
check nor the https redirect gets in the way.
"""

import os
import sys
import urllib.request

path = sys.argv[1] if len(sys.argv) > 1 else "/healthz"
port = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rsplit(":", 1)[-1]
host = os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")[0].strip().lstrip(".")
host = host if host and host != "*" else "localhost"
request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host, "X-Forwarded-Proto": "https"})
try:
    with urllib.request.urlopen(request, timeout=5) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as exc:  # any failure is "unhealthy"
    print(f"unhealthy: {exc}", file=sys.stderr)
    sys.exit(1)
