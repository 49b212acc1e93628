"""Rendered fragments kept until a table they are drawn from changes.

django-cachalot notes, for every table, when a write last changed it: a model's save, ``update()``,
``bulk_create()``, a delete by queryset, from a view, a Celery task or a management command,
published when the transaction commits (its query cache is off, and so is its scan of raw SQL:
config/settings.py; write through the ORM). A fragment's key carries those moments for the tables it reads, so the first
write after it was rendered gives it a new key and the old copy is never served again; it expires.

A page keeps a fragment with ``{% kept fragment "name" ... %}`` (templatetags/fragments.py, Django's
``{% cache %}`` underneath): the view passes ``fragment = drawn_from(...)``, with whatever else the
fragment varies by (the viewer, their role, the filters) in ``per``, and the fragment's data lazily
(``SimpleLazyObject``), so a hit runs none of its queries. A value that is no fragment (every
course page's course and membership) is ``kept()`` the same way, several at once with ``kept_many()``.

Only a cache every process shares keeps anything: Redis when REDIS_URL is set; without it (one
process on a laptop) settings make the fragment cache a dummy, and the tests give it memory of its own.
"""

import dataclasses
import hashlib
from collections.abc import Callable
from typing import Any

from cachalot.api import get_last_invalidation
from django.apps import apps
from django.core.cache import BaseCache, InvalidCacheBackendError, caches
from django.db.models import Model
from django.utils import timezone

# A fragment outlives its data by at most this: a safety net for writes made around the ORM (raw SQL,
# psql: run `manage.py invalidate_cachalot` after those). A deploy's `migrate` marks every table changed.
FRAGMENT_SECONDS = 10 * 60


@dataclasses.dataclass(frozen=True)
class Fragment:
    """A fragment's key and how long a copy may be kept, for ``{% kept %}``."""

    key: str
    seconds: int = FRAGMENT_SECONDS


def drawn_from(*models: type[Model], per: object = "") -> Fragment:
    """A fragment's key: it changes whenever a row of one of ``models``' tables is written.

    ``per`` is what else the fragment varies by (a viewer, a role). Ask it before reading the data:
    a write committed in between then makes a newer key, never an old key for new data.
    """
    return Fragment(f"{get_last_invalidation(*models)!r}:{per}")


def drawn_from_any(*, per: object = "") -> Fragment:
    """The key of a fragment that reads from much of the app and says what is due, late or missing (the
    gradebook, review progress): a write to any of the app's tables changes it, and so does the minute."""
    return drawn_from(*apps.get_app_config("courseapp").get_models(), per=f"{per}:{timezone.now():%Y-%m-%d %H:%M}")


def forms_of_session(request) -> str | None:
    """What a fragment with forms varies by: the user, and the CSRF secret their tokens are good for (a
    new one at each log-in). None before the browser has one: such a fragment is not kept."""
    secret = request.META.get("CSRF_COOKIE")
    return f"{request.user.pk}:{hashlib.sha256(secret.encode()).hexdigest()[:32]}" if secret else None


def fragment_cache() -> BaseCache:
    """The cache ``{% cache %}`` uses: ``template_fragments`` if settings name one, else the default."""
    try:
        return caches["template_fragments"]
    except InvalidCacheBackendError:
        return caches["default"]


def kept[T](key: str, build: Callable[[], T]) -> T:
    """``build()``, kept under ``key`` in the fragment cache (one round trip when it is there, two when
    not: Django's ``get_or_set`` makes three)."""
    return kept_many({key: build})[key]


def kept_many(builds: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Each ``builds[key]()``, kept under its key: one round trip for them all when they are there, one
    more to keep those that were not. A request that needs several kept values asks for them at once."""
    cache = fragment_cache()
    found = cache.get_many(builds)
    made = {key: build() for key, build in builds.items() if key not in found}
    if made:
        cache.set_many(made, FRAGMENT_SECONDS)
    return found | made
