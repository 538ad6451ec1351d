"""Every link on every page works for every role of the demo township.

The demo township is built small, then for one user of each role the crawler follows every
link the pages show (breadth first, GET only: pages, pagination and sorting), and every one must
answer 200: a link a user is
shown must never lead to a 404, a 403 or a server error.
"""

import io
import re
from collections import deque
from urllib.parse import urldefrag, urljoin

import pytest
from django.core.management import call_command

from villages.models import Post

LINK = re.compile(r'href="([/?][^"]*)"')
SKIP = ("/static/", "/admin/", "/media/", "/i18n/")
PAGES_PER_ROLE = 120


@pytest.fixture
def demo(db):
    call_command("seed_demo", households=240, force=True, stdout=io.StringIO())


def crawl(client, start="/"):
    seen, queue, failures = {start}, deque([start]), []
    while queue and len(seen) <= PAGES_PER_ROLE:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200:
            failures.append((url, response.status_code))
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        for link in LINK.findall(response.content.decode()):
            link = urldefrag(urljoin(url, link.replace("&amp;", "&")))[0]
            if link and link not in seen and not link.startswith(SKIP):
                seen.add(link)
                queue.append(link)
    return seen, failures


@pytest.mark.slow
@pytest.mark.parametrize("role", Post.Role.values)
def test_every_link_a_demo_user_is_shown_works(demo, client, role):
    post = Post.objects.filter(role=role, cadre__user__isnull=False).select_related("cadre__user").first()
    assert post is not None, f"the demo township has nobody posted as {role}"
    client.force_login(post.cadre.user)
    seen, failures = crawl(client)
    assert not failures, f"{role} {post.cadre.user.username}: {failures}"
    assert len(seen) > 3, f"{role} reached only {seen}"
