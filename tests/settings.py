"""The project's settings, as `make test` runs them: DEBUG for the development key, a fast
password hasher, and uploads in a temporary folder. Everything else is gridadmin.settings."""

import os
import tempfile

os.environ.setdefault("DEBUG", "1")

from gridadmin.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="gridadmin-test-media-")
LANGUAGE_CODE = "en"
