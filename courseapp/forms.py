import datetime
import itertools
import zoneinfo
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import BaseUserCreationForm

from .calendars.dates import parse_date_ranges
from .calendars.terms import WEEKDAY_NAMES, class_days
from .models import CalendarImport, Component, Course, Extension, Meeting, Reading, ReadingImport, Signup, Slot
from .params import LARGEST, InvalidParameter
from .services import ServiceError
from .services.courses import TermPlan, slug_suggest
from .services.extensions import MAX_EXTRA_HOURS
from .services.readings import READING_FIELDS

User = get_user_model()


class SignUpForm(BaseUserCreationForm):
    """Self sign-up: name, e-mail address (the username) and a password."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="E-mail address", help_text="You log in with this address.")

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists() or User.objects.filter(username__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this e-mail address exists already. Log in, or reset its password.",
                code="email_taken",
            )
        return email

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        user.username = self.cleaned_data["email"]
        if commit:
            user.save()
        return user


class JoinRequestForm(forms.Form):
    note = forms.CharField(
        label="A note for the instructor",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Admission is by permission: say briefly who you are and what prepares you for the course.",
    )


class BulkAddForm(forms.Form):
    addresses = forms.CharField(
        label="Names and e-mail addresses",
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": "Grace Hopper <grace@uni.edu>\nHopper, Grace, grace@uni.edu\nada@uni.edu"}
        ),
        help_text=(
            # Help texts are HTML: the angle brackets are written as entities.
            "One person a line, as “Name &lt;address&gt;”, “Last, First, address” or just the address; "
            "or paste a roster exported from Canvas or Moodle (CSV with name and e-mail columns). "
            "People without an account get one and an e-mail to set their password."
        ),
    )
    role = forms.ChoiceField(
        label="Add them as",
        choices=[("student", "Students"), ("ta", "TAs"), ("instructor", "Instructors (co-instructors)")],
        initial="student",
        required=False,
    )

    def clean_role(self) -> str:
        return self.cleaned_data["role"] or "student"


class GradeScaleField(forms.Field):
    """The letter-grade scale as lines of "letter lowest-percentage", best first, e.g. "A 93"."""

    widget = forms.Textarea(attrs={"rows": 10})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{letter} {lowest:g}" for letter, lowest in value)
        return value

    def to_python(self, value) -> list[list]:
        scale = []
        for number, line in enumerate(filter(None, (line.strip() for line in (value or "").splitlines())), start=1):
            letter, _, lowest = line.rpartition(" ")
            try:
                lowest = float(lowest)
            except ValueError:
                raise forms.ValidationError(
                    'Line %(number)s: write a letter and its lowest percentage, e.g. "A- 90".',
                    code="grade_line",
                    params={"number": number},
                ) from None
            scale.append([letter.strip(), int(lowest) if lowest.is_integer() else lowest])
        return scale

    def validate(self, value: list[list]) -> None:
        super().validate(value)
        letters = [letter for letter, _ in value]
        lowest = [bound for _, bound in value]
        if not value or lowest[-1] != 0:
            raise forms.ValidationError("The last grade must start at 0%.", code="grade_floor")
        if len(set(letters)) != len(letters) or not all(letters):
            raise forms.ValidationError("Each letter must appear once.", code="grade_letters")
        if any(a <= b for a, b in itertools.pairwise(lowest)) or lowest[0] > 100:
            raise forms.ValidationError(
                "Percentages must fall from best grade to worst, at most 100.", code="grade_order"
            )


COURSE_SETTINGS_FIELDSETS = [
    ("Course", ["title", "term", "description", "prerequisites"]),
    ("Calendar", ["time_zone", "term_starts_on", "term_ends_on", "class_starts_at", "class_ends_at"]),
    ("Sign-ups", ["signup_mode", "signup_opens_at", "signup_closes_at", "min_choices"]),
    ("Grade", ["review_points", "presentation_points", "participation_points", "final_exam_points", "grade_scale"]),
    (
        "Reviews",
        [
            "reviews_required",
            "scheduled_paper_reviews_required",
            "review_word_limit",
            "review_template",
            "late_policy",
            "similarity_threshold",
        ],
    ),
    (
        "Presentations and participation",
        [
            "presenters_per_slot",
            "commentators_per_slot",
            "presentations_per_student",
            "commentaries_per_student",
            "presentation_minutes",
            "discussion_minutes",
            "one_on_one_days_before",
            "final_slides_days_after",
            "slides_max_mb",
        ],
    ),
    ("Final exam", ["exam_starts_at", "exam_ends_at", "exam_slot_minutes", "quiz_papers_only", "quiz_on_time_only"]),
]


class CourseSettingsForm(forms.ModelForm):
    """Every course rule, grouped as the settings page shows them."""

    grade_scale = GradeScaleField(
        help_text="One grade a line, best first: the letter and the lowest percentage that earns it."
    )

    class Meta:
        model = Course
        fields = [name for _, names in COURSE_SETTINGS_FIELDSETS for name in names]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "prerequisites": forms.Textarea(attrs={"rows": 3}),
            "review_template": forms.Textarea(
                attrs={"rows": 5, "placeholder": "## Summary\n\n## Strengths\n\n## Weaknesses\n\n## Questions"}
            ),
            "term_starts_on": forms.DateInput(attrs={"type": "date"}),
            "term_ends_on": forms.DateInput(attrs={"type": "date"}),
            "class_starts_at": forms.TimeInput(attrs={"type": "time"}),
            "class_ends_at": forms.TimeInput(attrs={"type": "time"}),
            "signup_opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "signup_closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "exam_starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "exam_ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }
        # Labels as an instructor says them (the field names gave "Signup opens at", "Slides max mb").
        labels = {
            "signup_mode": "How students get seats",
            "min_choices": "Papers to rank for presenting, at least",
            "signup_opens_at": "Sign-ups open",
            "signup_closes_at": "Sign-ups close",
            "review_points": "Reviews (points of 100)",
            "presentation_points": "Presentation (points of 100)",
            "participation_points": "Participation (points of 100)",
            "final_exam_points": "Final exam (points of 100)",
            "reviews_required": "Reviews each student writes",
            "scheduled_paper_reviews_required": "Of them, reviews of presented papers",
            "review_word_limit": "Words per review, at most",
            "review_template": "Prompts every review starts from",
            "similarity_threshold": "Overlap that flags two reviews as similar",
            "presentation_minutes": "Talk length (minutes)",
            "discussion_minutes": "Discussion length (minutes)",
            "one_on_one_days_before": "1-on-1, days before the talk",
            "final_slides_days_after": "Final slides due, days after the talk",
            "slides_max_mb": "Largest slides file (MB)",
            "exam_starts_at": "Exam window opens",
            "exam_ends_at": "Exam window closes",
            "exam_slot_minutes": "Minutes per exam slot",
            "quiz_papers_only": "Quiz on papers only",
            "quiz_on_time_only": "Quiz on on-time reviews only",
        }

    def grouped_fields(self):
        return [(title, [self[name] for name in names]) for title, names in COURSE_SETTINGS_FIELDSETS]


def time_zone_choices() -> list:
    """Every IANA zone, grouped by region as people look for them ("America" > "Chicago")."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(zoneinfo.available_timezones()):
        region, _, place = name.partition("/")
        if not place or region in ("Etc", "SystemV", "US") or name in ("localtime", "Factory"):
            groups.setdefault("Other", []).append((name, name))
        else:
            groups.setdefault(region, []).append((name, place.replace("_", " ")))
    return list(groups.items())


# Addresses under /courses/ that are pages, not courses.
RESERVED_SLUGS = {"new"}


class TermForm(forms.Form):
    """The dates of a term, shared by a new course and a copy."""

    title = forms.CharField(max_length=200, help_text="e.g. CS 496 Deep Generative Models")
    term = forms.CharField(max_length=50, help_text="e.g. Fall 2026")
    slug = forms.SlugField(
        label="Address",
        max_length=50,
        required=False,
        help_text="The course's address, as in /courses/cs496-fall-2026/. Suggested from the title and term.",
    )
    first_day = forms.DateField(label="First day of classes", widget=forms.DateInput(attrs={"type": "date"}))

    def clean_first_day(self) -> datetime.date:
        day = self.cleaned_data["first_day"]
        if not 1990 <= day.year <= 2200:
            raise forms.ValidationError("Choose a first day between 1990 and 2200.", code="first_day_range")
        return day

    def clean_slug(self) -> str:
        data = self.cleaned_data
        slug = data["slug"] or slug_suggest(data.get("title", ""), data.get("term", ""))
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(
                "“%(slug)s” is a page of the site; choose another address.", code="slug_reserved", params={"slug": slug}
            )
        if Course.objects.filter(slug=slug).exists():
            raise forms.ValidationError(
                "The address “%(slug)s” is taken by another course; choose another.",
                code="slug_taken",
                params={"slug": slug},
            )
        return slug


class NewCourseForm(TermForm):
    """Everything a new course needs to start: its term's calendar; every other rule is the model course's."""

    last_day = forms.DateField(label="Last day of classes", widget=forms.DateInput(attrs={"type": "date"}))
    weekdays = forms.TypedMultipleChoiceField(
        label="Meets on",
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one weekday the class meets on."},
    )
    class_starts_at = forms.TimeField(
        label="Class starts", initial=datetime.time(14, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    class_ends_at = forms.TimeField(
        label="Class ends", initial=datetime.time(16, 50), widget=forms.TimeInput(attrs={"type": "time"})
    )
    time_zone = forms.ChoiceField(choices=time_zone_choices, help_text="Deadlines fall due in this time zone.")
    days_off = forms.CharField(
        label="Days without class",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2026-11-25\nNov 23 – Nov 27"}),
        help_text="One date or range a line, e.g. a holiday week. Those class days become “No class”.",
    )
    exam_date = forms.DateField(label="Final exam day", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    exam_starts_at = forms.TimeField(
        label="Exam starts", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    exam_ends_at = forms.TimeField(label="Exam ends", required=False, widget=forms.TimeInput(attrs={"type": "time"}))

    # The longest term we believe: a two-semester seminar. Longer is a typo in a year.
    MAX_TERM_DAYS = 400

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = settings.TIME_ZONE

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last:
            if last < first:
                self.add_error(
                    "last_day",
                    forms.ValidationError("The last day comes before the first day.", code="last_before_first"),
                )
            elif (last - first).days > self.MAX_TERM_DAYS:
                self.add_error(
                    "last_day",
                    forms.ValidationError(
                        "The term would run %(days)s days. Check the years: a term is at most about a year.",
                        code="term_too_long",
                        params={"days": (last - first).days},
                    ),
                )
        starts, ends = data.get("class_starts_at"), data.get("class_ends_at")
        if starts and ends and ends <= starts:
            self.add_error(
                "class_ends_at", forms.ValidationError("Class must end after it starts.", code="class_ends_first")
            )
        if first:
            try:
                data["days_off"] = parse_date_ranges(data.get("days_off", ""), near=first)
            except ValueError as error:
                self.add_error("days_off", forms.ValidationError(str(error), code="days_off"))
        self._clean_exam(data)
        if not self.errors and not any(
            not off for _, off in class_days(first, last, set(data["weekdays"]), data["days_off"])
        ):
            self.add_error(
                "weekdays",
                forms.ValidationError("No class day falls in the term on these weekdays.", code="no_class_days"),
            )
        return data

    def _clean_exam(self, data) -> None:
        given = [data.get(name) for name in ("exam_date", "exam_starts_at", "exam_ends_at")]
        data["exam_window"] = None
        if not any(given):
            return
        if not all(given):
            self.add_error(
                "exam_date",
                forms.ValidationError("Give the exam's day, start and end, or none of them.", code="exam_incomplete"),
            )
            return
        day, starts, ends = given
        if ends <= starts:
            self.add_error(
                "exam_ends_at", forms.ValidationError("The exam must end after it starts.", code="exam_ends_first")
            )
        elif data.get("first_day") and not data["first_day"] <= day <= (
            data.get("last_day") or day
        ) + datetime.timedelta(days=31):
            self.add_error(
                "exam_date", forms.ValidationError("The exam falls outside the term.", code="exam_outside_term")
            )
        elif data.get("time_zone"):
            tz = zoneinfo.ZoneInfo(data["time_zone"])
            data["exam_window"] = (
                datetime.datetime.combine(day, starts, tzinfo=tz),
                datetime.datetime.combine(day, ends, tzinfo=tz),
            )

    def term_plan(self) -> TermPlan:
        data = self.cleaned_data
        exam = data["exam_window"] or (None, None)
        return TermPlan(
            first_day=data["first_day"],
            last_day=data["last_day"],
            weekdays=frozenset(data["weekdays"]),
            days_off=data["days_off"],
            exam_starts_at=exam[0],
            exam_ends_at=exam[1],
        )


class CourseCopyForm(TermForm):
    """A copy of a course for a new term: its title, term, address and first day of classes."""


class UploadOrPasteForm(forms.Form):
    """A file to import, uploaded or pasted; subclasses name what it is and add their choices."""

    what = "a file"
    file = forms.FileField(required=False)
    text = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 10}))

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("text", "").strip():
            raise forms.ValidationError(f"Choose a file or paste {self.what}.", code="nothing")
        return data

    def submit(self, create, *, limit: int):
        """Hand the upload or pasted text to ``create(data=, size=, filename=, limit=)`` (a service) and return
        what it made; when the service refuses the content, say why by the file or the text, and return None.

        Never more than one byte past the limit is read into memory: enough to know a file is too large.
        """
        upload = self.cleaned_data["file"]
        if upload:
            data, size, filename = upload.read(limit + 1), upload.size, upload.name
        else:
            data, size, filename = self.cleaned_data["text"].encode(), None, ""
        try:
            return create(data=data, size=size, filename=filename, limit=limit)
        except ServiceError as error:
            self.add_error("file" if upload else "text", forms.ValidationError(error.message, code=error.code))
            return None


class ReadingListImportForm(UploadOrPasteForm):
    what = "a reading list"
    file = forms.FileField(
        required=False, help_text="Markdown (.md), plain text (.txt), BibTeX (.bib), RIS (.ris) or CSL-JSON (.json)."
    )
    text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 10}), label="…or paste the list", strip=False
    )
    format = forms.ChoiceField(
        choices=[("", "Recognise it from the file"), *ReadingImport.Format.choices], required=False
    )
    mode = forms.ChoiceField(
        choices=ReadingImport.Mode.choices, initial=ReadingImport.Mode.MERGE, widget=forms.RadioSelect
    )
    section_title = forms.CharField(
        required=False, max_length=300, label="Section for BibTeX, RIS or CSL-JSON entries", initial="Readings",
        help_text="These formats have no headings: their entries go into this section.",
    )  # fmt: skip
    by_keywords = forms.BooleanField(
        required=False, label="File them under their keywords instead",
        help_text="A section for each keyword (BibTeX: JabRef's groups, else keywords); entries without any go "
        "into the section above.",
    )  # fmt: skip


class CalendarImportForm(UploadOrPasteForm):
    what = "a calendar"
    file = forms.FileField(required=False, help_text="Text (.txt), CSV (.csv) or iCalendar (.ics).")
    text = forms.CharField(
        required=False, strip=False, label="…or paste the calendar", widget=forms.Textarea(attrs={"rows": 12})
    )
    format = forms.ChoiceField(choices=[("", "Recognise it"), *CalendarImport.Format.choices], required=False)


class LabelledChoiceField(forms.ModelChoiceField):
    """A model choice whose options say what ``label_of`` makes of each (set once the course is known)."""

    label_of: Callable[[Any], str] = str

    def label_from_instance(self, obj) -> str:
        return self.label_of(obj)


class ExtensionForm(forms.Form):
    """What to extend for one student, and to when (or by how much, course-wide)."""

    scope = forms.ChoiceField(
        label="What is extended", choices=Extension.Scope.choices, initial=Extension.Scope.REVIEW,
        widget=forms.RadioSelect,
    )  # fmt: skip
    reading = LabelledChoiceField(queryset=Reading.objects.none(), required=False, label="Reading")
    meeting = LabelledChoiceField(queryset=Meeting.objects.none(), required=False, label="Meeting")
    slot = LabelledChoiceField(queryset=Slot.objects.none(), required=False, label="Presentation")
    until = forms.DateTimeField(
        required=False, label="New deadline", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    extra_hours = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_EXTRA_HOURS, label="Extra time, in hours",
        help_text="Added to every deadline of the student's: 48 is two days.",
    )  # fmt: skip
    reason = forms.CharField(
        required=False, max_length=300, label="Reason", help_text="Seen by the instructor only.",
        widget=forms.TextInput(attrs={"placeholder": "Accommodation letter of Sep 3; illness, note seen"}),
    )  # fmt: skip

    REQUIRED = {"reading": "Choose the reading.", "meeting": "Choose the meeting.", "slot": "Choose the presentation."}

    def __init__(self, *args, course: Course, student, **kwargs):
        super().__init__(*args, **kwargs)
        reading, meeting, slot = (self._model_choice(name) for name in ("reading", "meeting", "slot"))
        reading.queryset = course.readings.order_by("title")
        meeting.queryset = course.meetings.filter(kind=Meeting.Kind.PAPERS).order_by("date")
        meeting.label_of = lambda m: f"{course.day(m.date)}: {m.topic or 'papers'}"
        slot.queryset = (
            Slot.objects.filter(meeting__course=course, signups__student=student, signups__role=Signup.Role.PRESENTER)
            .select_related("reading", "meeting")
            .order_by("meeting__date")
        )
        slot.label_of = lambda s: f"{course.day(s.meeting.date)}: {s.display_title}"

    def _model_choice(self, name: str) -> "LabelledChoiceField":
        field = self.fields[name]
        assert isinstance(field, LabelledChoiceField)
        return field

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == Extension.Scope.COURSE:
            if data.get("extra_hours") is None and "extra_hours" not in self.errors:
                self.add_error("extra_hours", "Give the extra time in hours.")
            return data
        target = Extension.TARGET.get(scope)
        if target and data.get(target) is None and target not in self.errors:
            self.add_error(target, self.REQUIRED[target])
        if scope and data.get("until") is None and "until" not in self.errors:
            self.add_error("until", "Give the new deadline.")
        return data


LEVELS_UNREADABLE = "Write one level a line, the points first: “15: kept to time”."
POINTS_NOT_A_NUMBER = "Points must be a number, such as 7 or 7.5."


class PointsField(forms.DecimalField):
    """Points as graders type them: 7, 7.5, or 7,5 with a decimal comma."""

    default_error_messages = {"invalid": POINTS_NOT_A_NUMBER, "required": POINTS_NOT_A_NUMBER}

    def to_python(self, value):
        return super().to_python(value.strip().replace(",", ".") if isinstance(value, str) else value)


class PointsForm(forms.Form):
    """The points of a score as the grading screen posts them (a level button or the typed number);
    whether they fit the criterion is the grading service's rule."""

    points = PointsField()

    def points_or_refusal(self):
        """The points, or the refusal a view shows (400): the message names what was wrong."""
        if not self.is_valid():
            raise InvalidParameter(first_error(self))
        return self.cleaned_data["points"]


class CriterionForm(forms.Form):
    """A rubric criterion as the rubrics page posts it: new, or changed (``criterion``, its id)."""

    component = forms.ChoiceField(choices=Component.choices)
    criterion = forms.IntegerField(required=False, min_value=1, max_value=LARGEST)
    name = forms.CharField(max_length=200, error_messages={"required": "Give the criterion a name."})
    description = forms.CharField(required=False)
    max_points = forms.IntegerField(
        max_value=LARGEST,
        error_messages={
            "required": "Give the criterion its maximum points.",
            "invalid": "Maximum points must be a whole number.",
        },
    )
    levels = forms.CharField(required=False)
    timed = forms.BooleanField(required=False)

    def clean_levels(self) -> list[list]:
        """ "15: Kept to time" lines as [[15, "Kept to time"], ...], best first."""
        levels = []
        for line in self.cleaned_data["levels"].splitlines():
            if not line.strip():
                continue
            points, _, meaning = line.partition(":")
            try:
                levels.append([int(points.strip()), meaning.strip()])
            except ValueError:
                raise forms.ValidationError(LEVELS_UNREADABLE, code="levels") from None
        return sorted(levels, key=lambda level: -level[0])

    def clean_timed(self) -> bool:
        # Only a presentation is timed: the timer's times mean nothing beside a review or the exam.
        return self.cleaned_data["timed"] and self.data.get("component") == Component.PRESENTATION


def first_error(form: forms.Form) -> str:
    """The form's first problem, said alone (for an answer that shows one message, not the form)."""
    return str(next(iter(form.errors.values()))[0])


class ReadingForm(forms.ModelForm):
    """A reading corrected in place, with its note in the section it is listed in."""

    annotation = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Note in this section")

    class Meta:
        model = Reading
        fields = list(READING_FIELDS)
        widgets = {"url": forms.URLInput(attrs={"placeholder": "https://"})}
        labels = {"arxiv_id": "arXiv id", "doi": "DOI"}


class TimesForm(forms.Form):
    """A run of 1-on-1 meeting times the instructor offers."""

    first = forms.DateTimeField(
        label="First meeting starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    count = forms.IntegerField(label="How many meetings", min_value=1, max_value=40, initial=4)
    minutes = forms.IntegerField(label="Minutes each", min_value=5, max_value=120, initial=30)


class MeetingForm(forms.ModelForm):
    """A meeting of the schedule editor: its date, kind, topic and times."""

    class Meta:
        model = Meeting
        fields = ["date", "kind", "topic", "starts_at", "ends_at", "notes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "starts_at": forms.TimeInput(attrs={"type": "time"}),
            "ends_at": forms.TimeInput(attrs={"type": "time"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"starts_at": "Starts (if not the usual time)", "ends_at": "Ends"}
