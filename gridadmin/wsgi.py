"""WSGI entry point: `gunicorn gridadmin.wsgi`."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridadmin.settings")

application = get_wsgi_application()

# Refuse to start without a key rather than fail on every request (Django raises on reading an
# empty SECRET_KEY, which settings leave empty when DEBUG is off and none is given).
if not settings.SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
