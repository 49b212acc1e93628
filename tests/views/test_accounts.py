import re

from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from courseapp.models import User

from ..factories import UserFactory

SIGNUP = {
    "first_name": "Ada",
    "last_name": "Achebe",
    "email": "Ada.Achebe@Example.edu",
    "password1": "a-long-passphrase",
    "password2": "a-long-passphrase",
}


class TestSignUp:
    def test_creates_the_account_and_logs_in(self, db, client):
        response = client.post(reverse("courseapp:signup"), SIGNUP, follow=True)
        assert response.redirect_chain[-1][0] == reverse("courseapp:course_list")
        user = User.objects.get(email="ada.achebe@example.edu")
        assert (user.username, user.get_full_name()) == ("ada.achebe@example.edu", "Ada Achebe")
        assert "Ada Achebe" in response.content.decode()

    def test_an_address_in_use_is_refused_whatever_its_case_and_the_form_is_kept(self, db, client):
        UserFactory(email="ada.achebe@example.edu")
        response = client.post(reverse("courseapp:signup"), SIGNUP)
        html = response.content.decode()
        assert response.status_code == 400
        assert "An account with this e-mail address exists already" in html
        assert 'value="Ada"' in html and 'value="Achebe"' in html
        assert User.objects.filter(email__iexact="ada.achebe@example.edu").count() == 1

    def test_mismatched_passwords(self, db, client):
        response = client.post(reverse("courseapp:signup"), SIGNUP | {"password2": "something-else"})
        assert response.status_code == 400
        assert "The two password fields didn’t match." in response.content.decode()
        assert not User.objects.exists()


class TestLogin:
    def test_with_username_or_email(self, db, client):
        UserFactory(username="student01", email="Student01@example.edu")
        # django-axes needs the request to count attempts by address: the test client's login gives none.
        request = RequestFactory().post("/accounts/login/")
        assert client.login(request=request, username="student01", password="pw")
        assert client.login(request=request, username="student01@EXAMPLE.edu", password="pw")
        assert not client.login(request=request, username="student01@example.edu", password="wrong")

    def test_login_page_sends_you_back_where_you_were(self, db, client):
        UserFactory(username="student01")
        response = client.post(
            reverse("login"), {"username": "student01", "password": "pw", "next": "/courses/x/readings/"}
        )
        assert response["Location"] == "/courses/x/readings/"

    def test_logout(self, db, client):
        client.force_login(UserFactory())
        assert client.post(reverse("logout"))["Location"] == reverse("login")
        assert client.get(reverse("courseapp:course_list")).status_code == 302


class TestPasswords:
    def test_reset_by_email(self, db, client):
        UserFactory(username="student02", email="student02@example.edu")
        client.post(reverse("password_reset"), {"email": "student02@example.edu"})
        [message] = mail.outbox
        assert message.subject == "Reset your password"
        link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
        form_url = client.get(link, follow=True).redirect_chain[-1][0]
        response = client.post(form_url, {"new_password1": "new-passphrase-1", "new_password2": "new-passphrase-1"})
        assert response["Location"] == reverse("password_reset_complete")
        assert client.login(
            request=RequestFactory().post("/accounts/login/"), username="student02", password="new-passphrase-1"
        )

    def test_a_reset_never_says_whether_an_address_has_an_account(self, db, client):
        UserFactory(username="student02", email="student02@example.edu")
        known = client.post(reverse("password_reset"), {"email": "student02@example.edu"}, follow=True)
        unknown = client.post(reverse("password_reset"), {"email": "nobody@example.edu"}, follow=True)
        assert [r.redirect_chain for r in (known, unknown)] == [[(reverse("password_reset_done"), 302)]] * 2

        def main(response):  # the page itself (tokens elsewhere differ by request)
            html = response.content.decode()
            return html[html.index("<main") : html.index("</main>")]

        assert main(known) == main(unknown)
        assert [message.to for message in mail.outbox] == [["student02@example.edu"]]

    def test_change(self, db, client):
        user = UserFactory()
        client.force_login(user)
        response = client.post(
            reverse("password_change"),
            {"old_password": "pw", "new_password1": "another-passphrase", "new_password2": "another-passphrase"},
        )
        assert response["Location"] == reverse("password_change_done")
        user.refresh_from_db()
        assert user.check_password("another-passphrase")


class TestLogInThrottle:
    """django-axes: wrong passwords lock the account and the address for a while (AXES_* settings)."""

    def attempt(self, client, username, password, address="198.51.100.7", forwarded=None):
        headers = {"REMOTE_ADDR": address} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})
        return client.post(reverse("login"), {"username": username, "password": password}, **headers)

    def test_fifty_wrong_passwords_with_rotating_forwarded_for_lock_the_account(self, db, client, settings):
        from axes.models import AccessAttempt

        settings.AXES_FAILURE_LIMIT = 10
        victim = UserFactory(username="victim", password="right-password")
        statuses = [
            self.attempt(client, "victim", f"guess-{n}", forwarded=f"203.0.113.{n}").status_code for n in range(50)
        ]
        assert statuses[:9] == [200] * 9  # the form again, "please enter a correct username and password"
        assert set(statuses[9:]) == {429}  # a forged X-Forwarded-For does not make a new client
        refused = self.attempt(client, "victim", "right-password", address="192.0.2.50")
        assert refused.status_code == 429 and "_auth_user_id" not in client.session  # the account, from anywhere
        assert "Too many failed log-ins" in refused.content.decode() and "wait 15 minutes" in refused.content.decode()
        other = UserFactory(username="bystander", password="pw-of-bystander")
        assert self.attempt(client, "bystander", "pw-of-bystander").status_code == 429  # and that address, any account

        AccessAttempt.objects.all().delete()  # what "delete" in the admin's Access attempts does: unlocked
        response = self.attempt(client, "victim", "right-password")
        assert response.status_code == 302 and int(client.session["_auth_user_id"]) == victim.pk
        assert other.pk != victim.pk

    def test_behind_our_proxy_the_address_it_saw_is_the_client(self, rf, settings):
        from courseapp.backends import client_address

        settings.TRUSTED_PROXIES = 1
        request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
        assert client_address(request) == "203.0.113.9"  # the client wrote 6.6.6.6 itself
        settings.TRUSTED_PROXIES = 0
        assert client_address(request) == "10.0.0.2"


def confirmation_link(address: str) -> str:
    [message] = [m for m in mail.outbox if m.to == [address] and m.subject == "Confirm your e-mail address"]
    return re.search(r"https?://[^/\s]+(/accounts/confirm/\S+)", message.body).group(1)


class TestEmailConfirmation:
    def test_a_new_account_is_mailed_a_link_and_confirms_with_a_click(
        self, db, client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            page = client.post(reverse("courseapp:signup"), SIGNUP, follow=True).content.decode()
        assert "Confirm your e-mail address: we sent a link to <strong>ada.achebe@example.edu</strong>" in page
        user = User.objects.get(email="ada.achebe@example.edu")
        assert user.email_confirmed_at is None
        link = confirmation_link("ada.achebe@example.edu")
        client.get(link)
        user.refresh_from_db()
        assert user.email_confirmed_at is None, "opening the link (a GET) writes nothing"
        page = client.post(link, follow=True).content.decode()
        assert "Your e-mail address ada.achebe@example.edu is confirmed." in page
        assert "Send the link again" not in page
        user.refresh_from_db()
        assert user.email_confirmed_at is not None
        assert client.get(link).status_code == 400, "a used link is void"

    def test_someone_else_holding_the_link_may_only_take_the_account_over_by_setting_a_password(
        self, db, client, django_capture_on_commit_callbacks
    ):
        # Someone signs up with an address that is not theirs; the link reaches its real owner.
        squatter = UserFactory(email="grace@uni.edu", email_confirmed_at=None)
        with django_capture_on_commit_callbacks(execute=True):
            client.force_login(squatter)
            client.post(reverse("email_confirmation_send"))
        link = confirmation_link("grace@uni.edu")
        client.logout()
        owner = UserFactory()
        client.force_login(owner)
        page = client.post(link).content.decode()  # logged in as someone else: nothing confirmed
        squatter.refresh_from_db()
        assert squatter.email_confirmed_at is None
        set_password = re.search(r'href="(/accounts/reset/[^"]+)"', page).group(1)
        client.logout()
        form = client.get(set_password, follow=True)
        done = client.post(
            form.redirect_chain[-1][0], {"new_password1": "owner-s-passphrase", "new_password2": "owner-s-passphrase"}
        )
        assert done.status_code == 302
        squatter.refresh_from_db()
        assert squatter.email_confirmed_at is not None and squatter.check_password("owner-s-passphrase")

    def test_the_link_is_sent_again_at_most_every_two_minutes(self, db, client, django_capture_on_commit_callbacks):
        user = UserFactory(email_confirmed_at=None)
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(3):
                client.post(reverse("email_confirmation_send"))
        assert len([m for m in mail.outbox if m.to == [user.email]]) == 1

    def test_an_unconfirmed_account_cannot_ask_to_join(self, course, client):
        user = UserFactory(email_confirmed_at=None)
        client.force_login(user)
        response = client.post(reverse("courseapp:course_join", args=[course.slug]), {"note": "Please"})
        assert response.status_code == 409
        assert "Confirm your e-mail address first: open the link we sent to" in response.content.decode()
        assert not user.memberships.exists()
