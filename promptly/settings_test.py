"""Settings of the test suite: the project's own with the sandbox app installed, its URLs mounted only by the
fixture that serves it (tests prove the pages of a production configuration)."""

from promptly.settings import *  # noqa: F403
from promptly.settings import INSTALLED_APPS

if "sandbox" not in INSTALLED_APPS:
    INSTALLED_APPS.append("sandbox")
