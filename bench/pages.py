"""Server time and query count of the course pages as the class grows.

Builds the demo course in a throwaway database (test_<name> of DATABASE_URL), adds
students with sign-ups, and times each page through Django's test client: the whole
request through middleware, views and templates, without a network in between.

    make bench
"""

from benchsetup import measure_page, throwaway_database
from django.db import connection
from django.test import Client

from courseapp.models import Membership, Signup, Slot, User
from courseapp.services.demo import demo_course_load

RUNS = 30


def grow_class(course, n_students: int) -> None:
    """Make the class n_students strong, and fill every seat of every paper."""
    have = Membership.objects.filter(course=course, role="student").count()
    users = User.objects.bulk_create(
        User(username=f"bench{i:04d}", email=f"bench{i:04d}@example.edu", first_name="Bench", last_name=f"{i:04d}")
        for i in range(have, n_students)
    )
    Membership.objects.bulk_create(Membership(course=course, user=u, status="active") for u in users)
    students = list(User.objects.filter(memberships__course=course, memberships__role="student"))
    Signup.objects.filter(slot__meeting__course=course).delete()
    signups, taken = [], iter(students)
    for slot in Slot.objects.filter(meeting__course=course, kind="paper"):
        for role, seats in (("presenter", course.presenters_per_slot), ("commentator", course.commentators_per_slot)):
            for seat in range(1, seats + 1):
                student = next(taken, None)
                if student:
                    signups.append(Signup(slot=slot, student=student, role=role, seat=seat))
    Signup.objects.bulk_create(signups)


def main() -> None:
    with throwaway_database():
        course = demo_course_load().course
        client = Client()
        client.force_login(User.objects.get(username="instructor"))
        pages = {
            "course home": f"/courses/{course.slug}/",
            "schedule": f"/courses/{course.slug}/schedule/",
            "reading list": f"/courses/{course.slug}/readings/",
            "members": f"/courses/{course.slug}/members/",
        }
        print(f"{connection.vendor}, median of {RUNS} requests as the instructor")
        print(f"{'page':<14}{'students':>10}{'queries':>10}{'ms':>10}")
        for n_students in (24, 300):
            grow_class(course, n_students)
            for name, url in pages.items():
                ms, queries, _ = measure_page(client, url, runs=RUNS)
                print(f"{name:<14}{n_students:>10}{queries:>10}{ms:>10.1f}")


if __name__ == "__main__":
    main()
