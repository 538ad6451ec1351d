"""Small helpers the end-to-end tests share."""

import re

PASSWORD = "correct-horse-battery"  # every user of tests/factories.py


def at(path):
    """A pattern for expect(page).to_have_url(): the live server's `path`, query string and all."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + "$")
