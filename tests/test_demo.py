import datetime
import zoneinfo

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.core.serializers import serialize

from courseapp.models import (
    Course,
    Listing,
    Meeting,
    Membership,
    Reading,
    Release,
    Review,
    Score,
    Section,
    Signup,
    SimilarityFlag,
    Slot,
    User,
)
from courseapp.services.demo import demo_course_load

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


@pytest.fixture
def demo(db):
    return demo_course_load().course


class TestDemoCourse:
    def test_course(self, demo):
        assert demo.slug == "cs496-fall-2024"
        assert demo.title == "CS 496 Deep Generative Models"
        assert demo.term == "Fall 2024"
        assert demo.description.startswith("WARNING: This course is about reading papers.")
        assert "CS 449 Deep Learning" in demo.prerequisites
        assert (demo.review_points, demo.presentation_points, demo.participation_points, demo.final_exam_points) == (
            40,
            40,
            10,
            10,
        )
        assert (demo.reviews_required, demo.scheduled_paper_reviews_required, demo.review_word_limit) == (20, 15, 600)

    def test_calendar_has_the_twelve_entries_of_the_course_page(self, demo):
        meetings = list(demo.meetings.all())
        assert [(m.date, m.kind) for m in meetings] == [
            (datetime.date(2024, 9, 25), "lecture"),
            (datetime.date(2024, 10, 2), "lecture"),
            (datetime.date(2024, 10, 9), "papers"),
            (datetime.date(2024, 10, 16), "papers"),
            (datetime.date(2024, 10, 23), "papers"),
            (datetime.date(2024, 10, 30), "papers"),
            (datetime.date(2024, 11, 6), "papers"),
            (datetime.date(2024, 11, 13), "no_class"),
            (datetime.date(2024, 11, 20), "lecture"),
            (datetime.date(2024, 11, 27), "papers"),
            (datetime.date(2024, 12, 4), "papers"),
            (datetime.date(2024, 12, 13), "exam"),
        ]
        assert all(m.date.weekday() == 2 for m in meetings[:-1]), "classes meet on Wednesdays"
        assert meetings[-1].date.strftime("%a") == "Fri"

    def test_final_exam_runs_nine_to_eleven_in_chicago(self, demo):
        exam = demo.meetings.get(kind="exam")
        assert (exam.starts_at, exam.ends_at) == (datetime.time(9), datetime.time(11))
        assert demo.exam_starts_at == datetime.datetime(2024, 12, 13, 9, tzinfo=CHICAGO)
        assert demo.exam_ends_at == datetime.datetime(2024, 12, 13, 11, tzinfo=CHICAGO)
        assert demo.exam_slot_minutes == 5

    def test_twenty_paper_slots_one_of_them_a_blog_post(self, demo):
        slots = Slot.objects.filter(meeting__course=demo, kind=Slot.Kind.PAPER).select_related("reading")
        assert slots.count() == 20
        assert [s.reading.title for s in slots if s.reading.kind != Reading.Kind.PAPER] == [
            "Deep Reinforcement Learning: Pong from Pixels"
        ]
        assert {s.meeting.date for s in slots} == {datetime.date(2024, 10, d) for d in (9, 16, 23, 30)} | {
            datetime.date(2024, 11, 6),
            datetime.date(2024, 11, 27),
            datetime.date(2024, 12, 4),
        }

    def test_discussion_and_instructor_led_items(self, demo):
        discussion = Slot.objects.get(meeting__course=demo, kind=Slot.Kind.DISCUSSION)
        assert discussion.title == "Class discussion about creativity/ownership"
        assert discussion.meeting.date == datetime.date(2024, 10, 9)
        video = Slot.objects.get(meeting__course=demo, kind=Slot.Kind.INSTRUCTOR)
        assert (video.reading.title, video.reading.kind) == ("Should melodies be copyrightable?", "video")
        assert demo.meetings.filter(kind=Meeting.Kind.LECTURE).count() == 3

    def test_reading_list_sections_and_readings(self, demo):
        assert Section.objects.filter(course=demo).count() == 40
        assert list(Section.objects.filter(course=demo, parent=None).values_list("title", flat=True)) == [
            "Lecture Slides and Notebooks",
            "Influential Autoregressive Models",
            "Transformers",
            "Generative Adversarial Networks (GANs)",
            "Variational Auto Encoders (VAEs)",
            "Diffusion and Score Models",
            "Ethics and Societal Effects of Generative Modeling",
            "Topics Not Coverd in Class (But That Are Worth Learning About)",
        ]
        nested = Section.objects.get(course=demo, title="Adding Memory/Scratch Space to a Transformer")
        assert nested.parent.title == "Making Transformers Efficient"
        assert nested.parent.parent.title == "Transformers"
        # 144 entries on the page; SoundStream, CLIP and DiffWave are listed twice.
        assert Listing.objects.filter(section__course=demo).count() == 144
        listed = Reading.objects.filter(course=demo, listings__isnull=False).distinct()
        assert listed.count() == 141
        assert Reading.objects.filter(course=demo).count() == 144  # and three that only the calendar names

    def test_kinds_and_arxiv_links(self, demo):
        kinds = dict(
            Reading.objects.filter(course=demo)
            .values_list("kind")
            .annotate(n=__import__("django").db.models.Count("id"))
        )
        assert kinds["slides"] == 13 and kinds["notebook"] == 1 and kinds["book"] == 3 and kinds["video"] == 4
        attention = Reading.objects.get(course=demo, title="Attention is All You Need")
        assert (attention.arxiv_id, attention.url) == ("1706.03762", "https://arxiv.org/abs/1706.03762")
        assert Reading.objects.get(course=demo, title="GloVe: Global Vectors for Word Representation").url == ""
        clip = Reading.objects.get(course=demo, arxiv_id="2103.00020")
        assert clip.listings.count() == 2

    def test_accounts(self, demo):
        assert User.objects.get(username="instructor").check_password("demo")
        members = Membership.objects.filter(course=demo, status="active")
        assert members.filter(role="instructor").get().user.username == "instructor"
        students = sorted(members.filter(role="student").values_list("user__username", flat=True))
        assert students == [f"student{n:02d}" for n in range(1, 25)]


class TestLoadDemoCommand:
    def test_second_run_changes_nothing(self, db, capsys, settings):
        settings.DEBUG = True
        call_command("load_demo")
        first_output = capsys.readouterr().out
        assert "student01 ... student24" in first_output and "password 'demo'" in first_output

        def snapshot():
            return {
                model.__name__: serialize("json", model.objects.order_by("pk"))
                for model in apps.get_app_config("courseapp").get_models()
            }

        before = snapshot()
        call_command("load_demo")
        assert "nothing changed" in capsys.readouterr().out
        assert snapshot() == before

    def test_refuses_without_debug_unless_forced(self, db, settings):
        settings.DEBUG = False
        with pytest.raises(CommandError, match="DEBUG is off"):
            call_command("load_demo")
        assert not Course.objects.exists()
        call_command("load_demo", "--force")
        assert Course.objects.filter(slug="cs496-fall-2024").exists()


class TestLivingDemo:
    TODAY = datetime.date(2026, 12, 2)  # a Wednesday, like the course's meetings

    @pytest.mark.parametrize(
        "today",
        [
            datetime.date(2026, 12, 2),
            datetime.date(2026, 12, 1),
            datetime.date(2027, 2, 14),
            datetime.date(2026, 8, 31),
        ],
    )
    def test_today_falls_in_the_fifth_week(self, db, today):
        course = demo_course_load(today=today).course
        week = (today - course.term_starts_on).days // 7 + 1
        assert week == 5
        assert course.term_starts_on.weekday() == 2  # still Wednesdays
        dates = list(course.meetings.values_list("date", flat=True))
        assert all(date.weekday() == 2 for date in dates[:-1]) and dates[-1].weekday() == 4  # the exam on a Friday
        assert course.exam_starts_at.date() == dates[-1]

    def test_a_term_of_activity_so_far(self, db):
        course = demo_course_load(today=self.TODAY).course
        students = Membership.objects.filter(course=course, role="student").count()
        presenters = Signup.objects.filter(slot__meeting__course=course, role="presenter")
        commentators = Signup.objects.filter(slot__meeting__course=course, role="commentator")
        assert presenters.values("student").distinct().count() == students * 2 // 3
        assert commentators.values("student").distinct().count() == students * 2 // 3
        submitted = Review.objects.filter(reading__course=course, submitted_at__isnull=False)
        past = Slot.objects.filter(meeting__course=course, meeting__date__lt=self.TODAY, kind="paper")
        assert submitted.count() > 0 and not submitted.exclude(reading__in=past.values("reading")).exists()
        assert submitted.filter(is_late=True).exists() and submitted.filter(is_late=False).exists()
        assert Review.objects.filter(reading__course=course, submitted_at__isnull=True).exists()  # drafts
        assert Score.objects.filter(criterion__rubric__course=course, slot__isnull=False).exists()
        assert Release.objects.filter(course=course, component="presentation").exists()
        assert not SimilarityFlag.objects.filter(review__reading__course=course).exists()

    def test_a_second_run_changes_nothing_and_another_day_moves_the_term(self, db):
        demo_course_load(today=self.TODAY)
        counts = {model: model.objects.count() for model in (Meeting, Slot, Signup, Review, Score)}
        assert demo_course_load(today=self.TODAY).created == 0
        later = demo_course_load(today=self.TODAY + datetime.timedelta(weeks=3)).course
        assert {model: model.objects.count() for model in counts} == counts  # moved, not duplicated
        assert (self.TODAY + datetime.timedelta(weeks=3) - later.term_starts_on).days // 7 + 1 == 5

    def test_as_published_keeps_the_pages_dates(self, db, settings, capsys):
        settings.DEBUG = True
        call_command("load_demo", "--as-published")
        course = Course.objects.get()
        assert course.term_starts_on == datetime.date(2024, 9, 25) and course.term == "Fall 2024"
        assert not Signup.objects.exists()
