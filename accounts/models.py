from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in; what they may see comes from the posts of their cadre record."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
