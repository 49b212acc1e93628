"""The gradebook for a large class: server time and query count, 300 students with 20 graded reviews each.

In a throwaway database (test_<name> of DATABASE_URL): the demo course grown to 300 students, each
with 20 submitted, graded reviews of papers on the schedule, and every seat of every paper taken
and graded; then the gradebook page, its CSV export and one student's grade page are timed through
Django's test client (middleware, views, templates; no network).

    make bench
"""

from benchsetup import measure_page, throwaway_database
from django.db import connection
from django.test import Client
from django.utils import timezone
from pages import grow_class

from courseapp.models import Review, Score, Signup, Slot, User
from courseapp.selectors import course_rubrics
from courseapp.services.demo import demo_course_load

RUNS = 10


def grade_everything(course, students) -> None:
    rubrics = course_rubrics(course)
    papers = list(Slot.objects.filter(meeting__course=course, kind="paper").values_list("reading_id", flat=True))
    now = timezone.now()
    reviews = Review.objects.bulk_create(
        Review(reading_id=reading_id, student=student, text="A review.", submitted_at=now, word_count=2)
        for student in students
        for reading_id in papers[:20]
    )
    (review_criterion,) = rubrics["reviews"].criteria.all()
    scores = [Score(criterion=review_criterion, student_id=r.student_id, review=r, points=2) for r in reviews]
    for signup in Signup.objects.filter(slot__meeting__course=course):
        component = "presentation" if signup.role == "presenter" else "participation"
        for criterion in rubrics[component].criteria.all():
            scores.append(Score(criterion=criterion, student_id=signup.student_id, slot_id=signup.slot_id, points=4))
    (exam,) = rubrics["final_exam"].criteria.all()
    scores += [Score(criterion=exam, student=student, points=9) for student in students]
    Score.objects.bulk_create(scores, batch_size=2000)


def main() -> None:
    with throwaway_database():
        course = demo_course_load().course
        client = Client()
        client.force_login(User.objects.get(username="instructor"))
        print(f"{connection.vendor}, median of {RUNS} requests as the instructor")
        print(f"{'page':<22}{'students':>9}{'reviews':>9}{'scores':>8}{'queries':>9}{'ms':>9}{'KiB':>7}")
        for n_students in (24, 300):
            grow_class(course, n_students)
            Review.objects.filter(reading__course=course).delete()
            Score.objects.all().delete()
            students = list(User.objects.filter(memberships__course=course, memberships__role="student"))
            grade_everything(course, students)
            reviews, scores = Review.objects.count(), Score.objects.count()
            one = students[0]
            for name, url in (
                ("gradebook", f"/courses/{course.slug}/grades/"),
                ("gradebook sorted", f"/courses/{course.slug}/grades/?sort=total&order=desc"),
                ("CSV export", f"/courses/{course.slug}/grades/export.csv"),
                ("one student's grades", f"/courses/{course.slug}/grades/students/{one.pk}/"),
            ):
                ms, queries, response = measure_page(client, url, runs=RUNS)
                size = len(response.content)
                print(f"{name:<22}{n_students:>9}{reviews:>9}{scores:>8}{queries:>9}{ms:>9.1f}{size / 1024:>7.0f}")


if __name__ == "__main__":
    main()
