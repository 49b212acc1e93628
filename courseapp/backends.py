from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UsernameOrEmailBackend(ModelBackend):
    """Log in with the username or the e-mail address: people who signed up know their address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and "@" in username:
            user = get_user_model()._default_manager.filter(email__iexact=username).first()
            if user is not None:
                username = user.get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request) -> str:
    """The address a request came from, as log-in throttling counts it.

    REMOTE_ADDR, unless the app runs behind ``TRUSTED_PROXIES`` proxies of its own: then the
    entry of X-Forwarded-For that the outermost of them appended (each proxy appends the address
    it saw, so whatever a client wrote there itself sits further left and is not believed).
    """
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")
