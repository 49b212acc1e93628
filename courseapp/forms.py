import itertools

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import BaseUserCreationForm

from .models import Course

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
        label="E-mail addresses",
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "ada@example.edu\nBruno Bianchi <bruno@example.edu>"}),
        help_text=(
            "One per line, or separated by commas. "
            "Students without an account get one and an e-mail to set their password."
        ),
    )


class GradeScaleField(forms.CharField):
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
    ("Sign-ups", ["signup_opens_at", "signup_closes_at"]),
    ("Grade", ["review_points", "presentation_points", "participation_points", "final_exam_points", "grade_scale"]),
    (
        "Reviews",
        [
            "reviews_required",
            "scheduled_paper_reviews_required",
            "review_word_limit",
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
            "term_starts_on": forms.DateInput(attrs={"type": "date"}),
            "term_ends_on": forms.DateInput(attrs={"type": "date"}),
            "class_starts_at": forms.TimeInput(attrs={"type": "time"}),
            "class_ends_at": forms.TimeInput(attrs={"type": "time"}),
            "signup_opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "signup_closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "exam_starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "exam_ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def grouped_fields(self):
        return [(title, [self[name] for name in names]) for title, names in COURSE_SETTINGS_FIELDSETS]
