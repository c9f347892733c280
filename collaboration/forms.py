"""Forms for invites and replies. They only shape input; the rules live in invites.py."""

from django import forms
from django.conf import settings

from . import invites, reports


class InviteForm(forms.Form):
    topic_choice = forms.ChoiceField(label="One of their topics", required=False)
    topic_text = forms.CharField(
        label="Or a topic in your own words",
        required=False,
        max_length=invites.TOPIC_MAX,
        help_text="Used when no topic above is chosen.",
    )
    message = forms.CharField(
        label="Message",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Say who you are and what you would like to work on together.",
    )
    work = forms.ChoiceField(label="About one of their works (optional)", required=False)

    def __init__(self, *args, topics, works, **kwargs):
        super().__init__(*args, **kwargs)
        self._topics = {str(t.pk): t for t in topics}
        self._works = {str(w.pk): w for w in works}
        self.fields["topic_choice"].choices = [("", "Write your own topic below")] + [
            (pk, t.display_name) for pk, t in self._topics.items()
        ]
        self.fields["work"].choices = [("", "No particular work")] + [
            (pk, w.title or "Untitled work") for pk, w in self._works.items()
        ]
        limit = settings.BZPEER["INVITE_MESSAGE_MAX"]
        self.fields["message"].widget.attrs["maxlength"] = limit
        self.fields["message"].help_text += f" At most {limit} characters."

    def invite_fields(self) -> dict:
        """The keyword arguments for invites.invite_send."""
        data = self.cleaned_data
        topic = self._topics.get(data["topic_choice"]) or data["topic_text"]
        return {
            "topic": topic,
            "message": data["message"],
            "work": self._works.get(data["work"]),
        }


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your reply", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong?",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": reports.REASON_MAX}),
        help_text=(
            f"At most {reports.REASON_MAX} characters. The moderators will see what you report "
            f"and the conversation it belongs to; the other person is not told who reported."
        ),
    )
