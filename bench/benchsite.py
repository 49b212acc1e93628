"""The app with two reference views, for bench/served.py to measure pages against on the same machine.

Used as DJANGO_SETTINGS_MODULE (and, through ROOT_URLCONF, as the URLconf): the project's settings
and URLs unchanged, plus

- ``/bench/hello/``: a Django view that returns a constant (the floor: middleware and WSGI);
- ``/bench/one-query/``: a Django view that makes one ORM lookup on the database and returns it;
- ``/bench/signed-in-write/``: a POST by a logged-in user that writes one row in a transaction (the
  least a review submission does), for bench/reviews_submit.py.
"""

from config.settings import *  # noqa: F403 (the project's settings, unchanged)

ROOT_URLCONF = "benchurls"
