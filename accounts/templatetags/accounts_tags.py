from django import template
from django.utils import timezone
from django.utils.timesince import timeuntil

register = template.Library()


@register.filter
def duration(delta):
    """A timedelta in words, in the user's language ("15 minutes", "15分钟")."""
    now = timezone.now()
    return timeuntil(now + delta, now) if delta else ""
