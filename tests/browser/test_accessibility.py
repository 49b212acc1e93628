"""axe-core over every main page, as staff and as a student, light and dark, on a laptop and a phone.

axe-core comes from the npm registry (package.json; `make test` runs `npm ci`). A serious or
critical violation fails the test with the rule, the elements and axe's help; so does a page that
scrolls sideways on a phone (a wide table scrolls inside its own box, never the page).
"""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from courseapp.models import Review, Signup, User
from courseapp.services.demo import demo_course_load

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo(transactional_db):
    course = demo_course_load(today=timezone.localdate()).course  # the living demo, a term's work in it
    student = User.objects.get(username="student01")
    return course, student


def staff_pages(course, student) -> list[str]:
    slug = course.slug
    presenter = Signup.objects.filter(slot__meeting__course=course, role="presenter").select_related("slot").first()
    review = Review.objects.filter(reading__course=course, submitted_at__isnull=False).first()
    return [
        reverse("courseapp:course_list"),
        *(
            reverse(f"courseapp:{name}", args=[slug])
            for name in (
                "course_home", "schedule", "schedule_edit", "reading_list", "links", "reviews_table", "gradebook",
                "rubrics", "members", "course_settings", "one_on_ones", "exam", "course_extensions", "assignment",
                "reading_import", "calendar_import",
            )
        ),
        reverse("courseapp:student_grades", args=[slug, student.pk]),
        reverse("courseapp:student_extensions", args=[slug, student.pk]),
        reverse("courseapp:student_reviews", args=[slug, student.pk]),
        reverse("courseapp:grade_slot", args=[slug, presenter.slot_id]),
        reverse("courseapp:presentation", args=[slug, presenter.slot_id]),
        reverse("courseapp:reading_reviews", args=[slug, review.reading_id]),
        reverse("courseapp:grade_review", args=[slug, review.pk]),
        reverse("courseapp:timer", args=[slug, presenter.slot_id]),
        reverse("courseapp:course_new"),
    ]  # fmt: skip


def student_pages(course, student) -> list[str]:
    slug = course.slug
    mine = Signup.objects.filter(student=student).first()
    reading = course.readings.first()
    pages = [
        reverse("courseapp:course_list"),
        *(
            reverse(f"courseapp:{name}", args=[slug])
            for name in ("course_home", "schedule", "reading_list", "my_reviews", "my_grades", "my_exam")
        ),
        reverse("courseapp:review_edit", args=[slug, reading.pk]),
    ]
    if mine and mine.role == "presenter":
        pages.append(reverse("courseapp:presentation", args=[slug, mine.slot_id]))
    return pages


def scan(tab, path: str) -> list[str]:
    """The page's serious problems, each as one line: axe's rule and where, or the sideways scroll."""
    page = tab.page
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async () => {
            const found = await axe.run(document, {resultTypes: ["violations"]});
            return found.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + n.failureSummary.split("\\n")[1]),
            }));
        }"""
    )
    problems = [
        f"{path}: {v['id']} ({v['impact']}): {v['help']} at {'; '.join(v['nodes'])}"
        for v in result
        if v["impact"] in SERIOUS
    ]
    wide = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if wide > 1:
        culprit = page.evaluate(
            """() => [...document.querySelectorAll("main *")]
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .filter(e => !e.closest(".table-scroll, .course-nav, pre"))
                .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : ""))"""
        )
        problems.append(f"{path}: the page scrolls sideways by {wide} px ({', '.join(culprit)})")
    return problems


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("who", ["instructor", "student01"])
def test_no_serious_accessibility_problem_on_any_main_page(demo, new_page, who, scheme, viewport):
    assert AXE.exists(), "axe-core is missing: run `npm ci` (make test does)"
    course, student = demo
    tab = new_page(viewport, color_scheme=scheme)
    tab.login(who)
    pages = staff_pages(course, student) if who == "instructor" else student_pages(course, student)
    problems = [problem for path in pages for problem in scan(tab, path)]
    assert problems == [], "\n".join(problems)
    assert tab.errors == []
