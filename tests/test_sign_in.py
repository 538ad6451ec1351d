"""Signing in and out through the real pages: one message for every failure, a lock-out by user name
and address together, an idle timeout, sign-out by POST, and no admin for non-superusers."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories

PASSWORD = "correct-horse-battery"
LOGIN_FAILED = "The user name or password is not correct."
LOCKED_OUT = "Too many wrong passwords were entered"


def sign_in(client, username, password, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def user(db):
    return factories.UserFactory(username="zhengzhangmu")


def test_the_right_password_signs_in_and_goes_home(user):
    client = Client()

    response = sign_in(client, "zhengzhangmu", PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert signed_in_user_id(client) == str(user.pk)
    assert client.get(reverse("home")).status_code == 200


def test_signing_in_gives_a_new_session_key(user):
    """A session key planted before sign-in (session fixation) is worthless afterwards."""
    client = Client()
    session = client.session
    session["planted"] = True
    session.save()
    before = session.session_key

    sign_in(client, "zhengzhangmu", PASSWORD)

    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_sign_in_follows_next_only_within_the_site(user):
    client = Client()
    households = reverse("villages:household_list")
    response = client.post(
        reverse("accounts:login"), {"username": "zhengzhangmu", "password": PASSWORD, "next": households}
    )
    assert response.url == households

    client = Client()
    response = client.post(
        reverse("accounts:login"),
        {"username": "zhengzhangmu", "password": PASSWORD, "next": "https://phish.example/"},
    )
    assert response.url == reverse("home")


def test_an_unknown_user_and_a_wrong_password_look_the_same(user):
    unknown = sign_in(Client(), "nobody-here", PASSWORD)
    wrong = sign_in(Client(), "zhengzhangmu", "wrong-horse-battery")

    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].non_field_errors() == wrong.context["form"].non_field_errors() == [LOGIN_FAILED]
    assert LOGIN_FAILED in unknown.content.decode()
    assert LOGIN_FAILED in wrong.content.decode()
    assert [t.name for t in unknown.templates] == [t.name for t in wrong.templates]
    assert "_auth_user_id" not in unknown.client.session
    assert "_auth_user_id" not in wrong.client.session


def fail(username, times, address="127.0.0.1"):
    """`times` wrong passwords for `username` from `address`; the statuses they got."""
    return [sign_in(Client(), username, "wrong-horse-battery", REMOTE_ADDR=address).status_code for _ in range(times)]


def test_repeated_failures_lock_the_user_name_at_that_address(user):
    assert settings.AXES_FAILURE_LIMIT == 5
    statuses = fail("zhengzhangmu", settings.AXES_FAILURE_LIMIT)
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)

    client = Client()
    locked = sign_in(client, "zhengzhangmu", PASSWORD)

    assert locked.status_code == 429
    assert LOCKED_OUT in locked.content.decode()
    assert signed_in_user_id(client) is None


def test_the_lock_out_holds_one_user_name_at_one_address_only(user):
    factories.UserFactory(username="colleague")
    fail("zhengzhangmu", settings.AXES_FAILURE_LIMIT, address="127.0.0.1")
    assert sign_in(Client(), "zhengzhangmu", PASSWORD, REMOTE_ADDR="127.0.0.1").status_code == 429

    # the same person from another computer
    elsewhere = Client()
    assert sign_in(elsewhere, "zhengzhangmu", PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 302
    assert signed_in_user_id(elsewhere) == str(user.pk)

    # a colleague behind the same village router
    colleague = Client()
    assert sign_in(colleague, "colleague", PASSWORD, REMOTE_ADDR="127.0.0.1").status_code == 302
    assert signed_in_user_id(colleague) is not None


def test_the_lock_out_ends_after_the_cool_off(user):
    assert settings.AXES_COOLOFF_TIME == 0.25  # hours: the locked-out page promises 15 minutes
    fail("zhengzhangmu", settings.AXES_FAILURE_LIMIT)
    assert sign_in(Client(), "zhengzhangmu", PASSWORD).status_code == 429

    # 16 minutes later
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

    assert sign_in(Client(), "zhengzhangmu", PASSWORD).status_code == 302


def test_an_unknown_user_name_is_locked_out_alike(db):
    """Otherwise the lock-out page would tell which user names exist."""
    fail("nobody-here", settings.AXES_FAILURE_LIMIT)
    response = sign_in(Client(), "nobody-here", PASSWORD)
    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()


def test_sessions_end_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def session_row(client):
    return Session.objects.get(session_key=client.session.session_key)


def test_each_request_renews_the_idle_clock(user):
    client = Client()
    sign_in(client, "zhengzhangmu", PASSWORD)
    # 29 idle minutes later: one minute left
    Session.objects.filter(pk=session_row(client).pk).update(expire_date=timezone.now() + datetime.timedelta(minutes=1))

    assert client.get(reverse("home")).status_code == 200

    left = session_row(client).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < left <= datetime.timedelta(minutes=30)


def test_an_expired_session_sends_the_user_to_sign_in(user):
    client = Client()
    sign_in(client, "zhengzhangmu", PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    # 31 idle minutes later
    Session.objects.filter(pk=session_row(client).pk).update(expire_date=timezone.now() - datetime.timedelta(minutes=1))

    response = client.get(reverse("villages:household_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_an_expiry_set_in_the_past_ends_the_session(user, client):
    client.force_login(user)
    session = client.session
    session.set_expiry(-1)
    session.save()

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_sign_out_is_a_post_and_ends_the_session(user, client):
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200, "a GET must not sign out"

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    after = client.get(reverse("villages:household_list"))
    assert after.status_code == 302
    assert after.url.startswith(reverse("accounts:login"))


def test_an_old_session_cookie_is_worthless_after_sign_out(user):
    client = Client()
    sign_in(client, "zhengzhangmu", PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("accounts:logout"))

    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = replay.get(reverse("villages:household_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_admin_index_is_not_for_a_signed_in_non_superuser(world, client):
    client.force_login(world.users["township"])

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain, "expected a redirect away from the admin index"
    assert response.redirect_chain[-1][0].startswith(reverse("admin:login"))
    body = response.content.decode()
    assert reverse("admin:accounts_user_changelist") not in body
    assert "app_list" not in response.context


def test_the_admin_index_is_for_a_superuser(world, client):
    client.force_login(world.users["superuser"])
    response = client.get("/admin/")
    assert response.status_code == 200
    assert reverse("admin:accounts_user_changelist") in response.content.decode()
