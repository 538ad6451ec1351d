from django.contrib.auth import views as auth_views

from .forms import SignInForm


class SignInView(auth_views.LoginView):
    """Sign in; repeated failures lock the user name at this address (django-axes)."""

    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
