import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Import every view now rather than on each process's first request (the URLconf is lazy): with
# gunicorn's preload_app the workers fork with all of it loaded.
get_resolver().url_patterns  # noqa: B018 (the import is the point)
