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
from django.urls import reverse

from villages.models import Grid, Household, Post, Resident

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


@pytest.mark.slow
def test_the_leader_of_zheng_rong_grid_1_cannot_open_or_list_grid_2(demo, client):
    grid1, grid2 = (Grid.objects.get(village__name="郑荣村", number=n) for n in (1, 2))
    response = client.post(reverse("accounts:login"), {"username": "zhengzhangmu", "password": "grid-demo-2026"})
    assert response.status_code == 302
    listed = client.get(reverse("villages:household_list"), {"per_page": 500}).context["table"]
    assert {row.record.grid_id for row in listed.paginated_rows} == {grid1.pk}
    assert listed.paginator.count == Household.objects.filter(grid=grid1).count()
    for household in Household.objects.filter(grid=grid2)[:20]:
        assert client.get(household.get_absolute_url()).status_code == 404
        found = client.get(reverse("villages:household_list"), {"q": household.head_name}).context["table"]
        assert all(row.record.grid_id == grid1.pk for row in found.paginated_rows)
    assert client.get(grid2.get_absolute_url()).status_code == 404
    outside = client.get(reverse("villages:household_list"), {"grid": grid2.pk})
    assert outside.status_code == 200 and outside.context["table"].paginator.count == 0
    resident = Resident.objects.filter(household__grid=grid2).first()
    assert client.get(resident.get_absolute_url()).status_code == 404
