from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import BaseUserCreationForm

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
