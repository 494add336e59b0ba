"""WSGI entry point for gunicorn: `gunicorn mttq_portal.wsgi`. Production settings by default."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mttq_portal.settings.production")

application = get_wsgi_application()
