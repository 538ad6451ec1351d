from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in; what they may see comes from the posts of their cadre record."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class SubmittedForm(models.Model):
    """A form that was sent once: a second send of the same form (a double click, a retry on a
    weak connection) finds this row and goes to what the first one made, instead of making it again."""

    token = models.UUIDField(primary_key=True)  # the form's token and its contents, together
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    result_url = models.CharField(max_length=300, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("submitted form")
        verbose_name_plural = _("submitted forms")

    def __str__(self):
        return str(self.token)
