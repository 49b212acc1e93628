import datetime
import os

import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

from courseapp.models import Membership

from .factories import (
    EXAM_WINDOW,
    CourseFactory,
    MeetingFactory,
    MembershipFactory,
    SignupFactory,
    SlotFactory,
    UserFactory,
)
from .servers import database_url, gunicorn
from .workers import REDIS_URL, celery_app, celery_worker, use_broker

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Property tests judge correctness, not speed: no per-example deadline on a busy 2-core machine,
# and no example database left in the work tree.
hypothesis_settings.register_profile("project", deadline=None, database=None)
hypothesis_settings.load_profile("project")


def pytest_configure(config):
    """Under CI the real services are part of the test: a missing one fails the run, never skips."""
    if not IN_CI:
        return
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit("CI=true: DATABASE_URL must point at PostgreSQL (make test sets it).", returncode=3)
    import psycopg
    import redis

    db = settings.DATABASES["default"]
    try:
        psycopg.connect(
            host=db["HOST"],
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"],
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.OperationalError as error:
        pytest.exit(f"CI=true and PostgreSQL is unreachable: {error}", returncode=3)
    redis_url = os.environ.get("TEST_REDIS_URL", "")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except (redis.RedisError, ValueError) as error:
        pytest.exit(f"CI=true and Redis at TEST_REDIS_URL={redis_url!r} is unreachable: {error}", returncode=3)


@pytest.fixture
def course(db):
    return CourseFactory()


@pytest.fixture
def instructor(course):
    return MembershipFactory(course=course, role=Membership.Role.INSTRUCTOR).user


@pytest.fixture
def ta(course):
    return MembershipFactory(course=course, role=Membership.Role.TA).user


@pytest.fixture
def student(course):
    return MembershipFactory(course=course).user


@pytest.fixture
def presented_paper(course):
    """A paper two students present a week from now, with a third student commenting on it."""
    slot = SlotFactory(meeting=MeetingFactory(course=course, date=timezone.localdate() + datetime.timedelta(days=7)))
    ada, bruno, chen = (MembershipFactory(course=course).user for _ in range(3))
    SignupFactory(slot=slot, student=ada, seat=1)
    SignupFactory(slot=slot, student=bruno, seat=2)
    SignupFactory(slot=slot, student=chen, role="commentator", seat=1)
    return slot, ada, bruno, chen


@pytest.fixture
def applicant(course):
    return MembershipFactory(course=course, status=Membership.Status.PENDING, request_note="I took CS 449.").user


@pytest.fixture
def other_student(db):
    """A student of another course: a stranger to ``course``."""
    return MembershipFactory().user


@pytest.fixture
def outsider(db):
    return UserFactory()


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client logged in as ``user`` (None stays anonymous)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploads go to a folder of the test's own, never into the work tree."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture(autouse=True)
def tasks_inline(settings):
    """Without a broker, tasks run in the request here (not in a thread), so a test sees their work."""
    settings.TASKS_IN_THREADS = False


@pytest.fixture(autouse=True)
def fragment_cache(settings):
    """Rendered fragments are cached here as in production (courseapp/caching.py): a test that reads a
    page after a change fails if the change does not reach it. One process, so its own memory serves."""
    fragments = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"}
    settings.CACHES = settings.CACHES | {"template_fragments": fragments}


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The real hasher is slow on purpose; tests log in hundreds of times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def gunicorn_url(transactional_db, tmp_path):
    """The app served by gunicorn (4 processes, 8 threads each) on the test database, as in production."""
    with gunicorn(database_url(), tmp_path / "gunicorn.log") as url:
        yield url


@pytest.fixture
def broker(settings):
    """The test process sends tasks to Redis (not eagerly), to a queue emptied first, and shares its
    cache with the worker, as production does with REDIS_URL."""
    previous = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}
    use_broker(broker_url=REDIS_URL, task_always_eager=False)
    caches["default"].clear()  # Redis' database for the tests: the queue and the cache
    celery_app.control.purge()
    yield
    use_broker(**previous)


@pytest.fixture
def worker(transactional_db, broker, tmp_path):
    """A Celery worker process for this test, and the tasks it sends going to it."""
    with celery_worker(tmp_path) as worker:
        yield worker


@pytest.fixture
def exam_course(course):
    """The course with the model course's exam window, cut into 5-minute slots."""
    course.exam_starts_at, course.exam_ends_at = EXAM_WINDOW, EXAM_WINDOW + datetime.timedelta(hours=2)
    course.exam_slot_minutes = 5
    course.save()
    return course
