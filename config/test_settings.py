"""The test suite's settings: the real ones, plus what only tests may do."""

from .settings import *  # noqa: F403

# The link checker's tests serve their pages on 127.0.0.1, an address (and ports) it refuses
# everywhere else. Production settings never set this.
LINKCHECK = {**LINKCHECK, "allowed_networks": ["127.0.0.0/8"]}  # noqa: F405
