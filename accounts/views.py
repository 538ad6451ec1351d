import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import IntegrityError, transaction
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .forms import SignInForm
from .models import SubmittedForm


class SignInView(auth_views.LoginView):
    """Sign in; repeated failures lock the user name at this address (django-axes)."""

    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class SubmitOnceMixin:
    """For pages that create a record: each form carries a one-time token, and the same form sent
    twice with the same contents (a double click, a retry on a weak connection) creates one record,
    the second send being taken to the first one's result. A form brought back with the browser's
    Back button and filled in anew is new contents, so it creates its own record."""

    token_field = "submission"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        add_never_cache_headers(response)  # a fresh token each time the page is shown
        return response

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # Not required: a client that sends no token (a script, say) gets no protection, not an error.
        form.fields[self.token_field] = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
        return form

    def post(self, request, *args, **kwargs):
        done = self._sent(self._key())
        if done is not None:
            return self._already_sent(done)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        key = self._key()
        if key is None:
            return super().form_valid(form)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    SubmittedForm.objects.create(token=key, user=self.request.user)
            except IntegrityError:  # the same form, sent again while the first was being saved
                done = self._sent(key)
                if done is not None:
                    return self._already_sent(done)
                form.add_error(None, _("This form can no longer be sent. Reload the page and enter it again."))
                return self.form_invalid(form)
            response = super().form_valid(form)
            if form.errors:  # refused: the same form may be corrected and sent again
                transaction.set_rollback(True)
            elif isinstance(response, HttpResponseRedirectBase):
                SubmittedForm.objects.filter(token=key).update(result_url=response.url)
        return response

    def _key(self):
        """The token and the form's contents together: one key per distinct send."""
        try:
            token = uuid.UUID(self.request.POST.get(self.token_field, ""))
        except ValueError:
            return None
        contents = sorted(
            (name, values)
            for name, values in self.request.POST.lists()
            if name not in (self.token_field, "csrfmiddlewaretoken")
        )
        return uuid.uuid5(token, repr(contents))

    def _sent(self, key):
        if key is None:
            return None
        return SubmittedForm.objects.filter(token=key, user=self.request.user).first()

    def _already_sent(self, done):
        messages.info(self.request, _("This form was already sent; here is what it saved."))
        return redirect(done.result_url or "home")
