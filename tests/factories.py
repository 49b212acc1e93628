import datetime
import io
import zoneinfo

import factory
import pypdf
from django.contrib.auth import get_user_model
from django.utils import timezone

from courseapp.models import Course, Listing, Meeting, Membership, Reading, Review, Section, Signup, Slot
from courseapp.selectors import course_rubrics
from courseapp.services.grading import rubrics_create


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:03d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.edu")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password("pw")


# The model course's final exam: Fri Dec 13, 9-11 AM where it is taught.
EXAM_WINDOW = datetime.datetime(2024, 12, 13, 9, 0, tzinfo=zoneinfo.ZoneInfo("America/Chicago"))


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True  # the rubrics hook changes no field of the course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Seminar {n}")
    term = "Fall 2024"
    description = "Reading papers."
    prerequisites = "Permission of the instructor."
    term_starts_on = datetime.date(2024, 9, 25)
    term_ends_on = datetime.date(2024, 12, 13)

    @factory.post_generation
    def rubrics(course, create, extracted, **kwargs):
        """A course has its rubrics from its creation, as every way of making one gives them."""
        if create:
            rubrics_create(course)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    course = factory.SubFactory(CourseFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.STUDENT
    status = Membership.Status.ACTIVE


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    position = factory.Sequence(int)


class ReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reading

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"A paper about attention, part {n}")
    kind = Reading.Kind.PAPER
    url = factory.Sequence(lambda n: f"https://papers.example.org/{n}")


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    section = factory.SubFactory(SectionFactory)
    reading = factory.SubFactory(ReadingFactory, course=factory.SelfAttribute("..section.course"))
    position = factory.Sequence(int)
    annotation = "Read this first."


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    course = factory.SubFactory(CourseFactory)
    date = factory.Sequence(lambda n: datetime.date(2024, 10, 2) + datetime.timedelta(weeks=n % 10))
    kind = Meeting.Kind.PAPERS


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slot

    meeting = factory.SubFactory(MeetingFactory)
    reading = factory.SubFactory(ReadingFactory, course=factory.SelfAttribute("..meeting.course"))
    kind = Slot.Kind.PAPER
    position = factory.Sequence(int)


class SignupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signup

    slot = factory.SubFactory(SlotFactory)
    student = factory.SubFactory(UserFactory)
    role = Signup.Role.PRESENTER
    seat = 1


def pdf_bytes(pages: int = 1) -> bytes:
    """A real PDF of blank pages, as a slides upload."""
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def rubric_criterion(course, component: str, name: str):
    """The course's criterion of that name in that component's rubric."""
    return course_rubrics(course)[component].criteria.get(name=name)


def reviewed(course, student, *readings, late=False):
    """Submitted reviews of ``readings`` by ``student``, now (``late``: marked late)."""
    for reading in readings:
        Review.objects.create(reading=reading, student=student, text="x", submitted_at=timezone.now(), is_late=late)
