"""WSGI entry point (gunicorn learning.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learning.settings.dev")

application = get_wsgi_application()
