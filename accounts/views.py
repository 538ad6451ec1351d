import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
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
    twice creates one record (the second send is taken to the first one's result)."""

    token_field = "submission"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # Not required: a client that sends no token (a script, say) gets no protection, not an error.
        form.fields[self.token_field] = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
        return form

    def post(self, request, *args, **kwargs):
        done = self._sent(request.POST.get(self.token_field))
        if done is not None:
            return self._already_sent(done)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        token = form.cleaned_data[self.token_field]
        if token is None:
            return super().form_valid(form)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    SubmittedForm.objects.create(token=token, user=self.request.user)
            except IntegrityError:  # the same form, sent again while the first was being saved
                done = self._sent(token)
                if done is not None:
                    return self._already_sent(done)
                form.add_error(None, _("This form can no longer be sent. Reload the page and enter it again."))
                return self.form_invalid(form)
            response = super().form_valid(form)
            if response.status_code == 302:
                SubmittedForm.objects.filter(token=token).update(result_url=response.url)
            else:  # refused: the same form may be corrected and sent again
                transaction.set_rollback(True)
        return response

    def _sent(self, token):
        try:
            return SubmittedForm.objects.filter(token=uuid.UUID(str(token)), user=self.request.user).first()
        except ValueError:
            return None

    def _already_sent(self, done):
        messages.info(self.request, _("This form was already sent; here is what it saved."))
        return redirect(done.result_url or "home")
