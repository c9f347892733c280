"""The account's name: asked at sign-up (allauth's ACCOUNT_SIGNUP_FORM_CLASS) and editable later."""

from django import forms

from . import services

NAME_HELP = (
    "As on your publications. A claim on a record is approved without a moderator only when "
    "this name is the record's (and your address is at one of its institutions)."
)


class NameForm(forms.Form):
    first_name = forms.CharField(label="Given names", required=False, max_length=services.NAME_MAX)
    last_name = forms.CharField(
        label="Family name", required=False, max_length=services.NAME_MAX, help_text=NAME_HELP
    )

    def clean(self):
        data = super().clean()
        try:
            services.clean_names(data.get("first_name", ""), data.get("last_name", ""))
        except services.AccountError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data

    # Not `save`: allauth's sign-up forms inherit from this class and have a save() of their own.
    def save_name(self, user):
        return services.user_name_update(
            user=user,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
        )


class SignupForm(NameForm):
    """allauth adds these fields to its sign-up forms (email and password, or ORCID's)."""

    def signup(self, request, user):
        self.save_name(user)
