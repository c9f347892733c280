"""The account's own pages: its name, and the API token for the person's scripts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from . import tokens
from .forms import NameForm


@never_cache
@login_required
def account_name(request):
    user = request.user
    form = NameForm(
        request.POST or None, initial={"first_name": user.first_name, "last_name": user.last_name}
    )
    if request.method == "POST" and form.is_valid():
        form.save_name(user)
        messages.success(request, "Your name is saved.")
        return redirect("account-name")
    status = 400 if form.errors else 200
    return render(request, "profiles/account_name.html", {"form": form}, status=status)


@never_cache
@login_required
def token_list(request):
    secret = None
    if request.method == "POST":
        # The secret is shown in this response only; it is never stored or shown again.
        secret = tokens.token_create(user=request.user)
    token = Token.objects.filter(user=request.user).first()
    context = {
        "token": token,
        "public_id": token.key[: tokens.PUBLIC_ID_LENGTH] if token else "",
        "secret": secret,
    }
    return render(request, "profiles/tokens.html", context)


@require_POST
@login_required
def token_revoke(request, public_id):
    if not tokens.token_revoke(user=request.user, public_id=public_id):
        raise Http404("No such token")
    messages.success(request, "The token is revoked; scripts using it are refused from now on.")
    return redirect("account-tokens")
