"""Forms of the groups pages. They check the shape of the input; the services check the rest
(permissions, states, limits) and their ``ValidationError``\\ s are shown on the same form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from parvis.core.mixins import ServiceErrorsMixin
from parvis.directory.forms import TerritoryChoiceField
from parvis.organisations.models import Organisation
from parvis.territories.forms import CommuneField
from parvis.territories.models import TerritoryKind

from .models import JoinPolicy, Theme, Visibility
from .services import MESSAGE_MAX_LENGTH, REASON_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH

#: A discussion's title (``Thread.title``), and the length of one made of a message's words.
TITLE_LENGTH = 200
TITLE_FROM_BODY = 80

MARKDOWN_HELP = _("Markdown is accepted: **bold**, *italics*, lists, [links](https://…), > quotes.")


class GroupForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the group is about, who it is for. ") + MARKDOWN_HELP,
    )
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    commune = CommuneField(
        label=_("Commune"),
        required=False,
        help_text=_("If the group concerns one commune: its name or postal code."),
    )
    epci = TerritoryChoiceField(
        TerritoryKind.EPCI,
        label=_("Intercommunality (EPCI)"),
        empty_label=_("None"),
        help_text=_("Or the intercommunality it concerns. Neither: the whole département."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Owning organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("None (a group of members)"),
        help_text=_("An association or institution you help run may own the group."),
    )
    visibility = forms.ChoiceField(
        label=_("Who reads the discussions"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        initial=Visibility.PUBLIC,
    )
    join_policy = forms.ChoiceField(
        label=_("How members join"),
        choices=JoinPolicy.choices,
        widget=forms.RadioSelect,
        initial=JoinPolicy.OPEN,
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF, 5 MB at most; its metadata are removed."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    remove_image = forms.BooleanField(label=_("Remove the current image"), required=False)

    def __init__(self, *args, user, group=None, **kwargs):
        if group is not None and "initial" not in kwargs:
            territory = group.territory
            kwargs["initial"] = {
                "name": group.name,
                "description": group.description,
                "theme": group.theme,
                "commune": territory if territory and territory.kind == "commune" else None,
                "epci": territory.pk if territory and territory.kind == "epci" else None,
                "organisation": group.organisation_id,
                "visibility": group.visibility,
                "join_policy": group.join_policy,
            }
        super().__init__(*args, **kwargs)
        self.group = group
        organisations = Organisation.objects.filter(memberships__user=user)
        if group is not None and group.organisation_id:
            organisations = Organisation.objects.filter(
                pk__in=organisations.values("pk")
            ) | Organisation.objects.filter(pk=group.organisation_id)
        self.fields["organisation"].queryset = organisations.distinct().order_by("name")
        if group is None or not group.image:
            del self.fields["remove_image"]

    def clean(self):
        data = super().clean()
        if data.get("commune") and data.get("epci"):
            raise ValidationError(
                _("Choose a commune or an intercommunality, not both."), code="two_territories"
            )
        return data

    def service_data(self):
        data = self.cleaned_data
        values = {
            "name": data["name"],
            "description": data["description"],
            "theme": data["theme"],
            "territory": data.get("commune") or data.get("epci"),
            "organisation": data.get("organisation"),
            "visibility": data["visibility"],
            "join_policy": data["join_policy"],
        }
        if data.get("image"):
            values["image"] = data["image"]
        elif data.get("remove_image"):
            values["image"] = False
        return values

    field_for = {"territory": "commune"}


class GroupFilterForm(forms.Form):
    """The group list's GET form; a field with a bad value is reported and ignored."""

    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    theme = forms.ChoiceField(
        label=_("Theme"), choices=[("", _("All themes")), *Theme.choices], required=False
    )
    commune = TerritoryChoiceField(
        TerritoryKind.COMMUNE, label=_("Commune"), empty_label=_("All communes")
    )
    epci = TerritoryChoiceField(
        TerritoryKind.EPCI,
        label=_("Intercommunality (EPCI)"),
        empty_label=_("All intercommunalities"),
    )
    mine = forms.BooleanField(label=_("Only my groups"), required=False)

    def filters(self):
        """The valid values: (text, theme, [territories], mine)."""
        self.is_valid()
        data = self.cleaned_data
        territories = [data[name] for name in ("commune", "epci") if data.get(name)]
        return data.get("q") or "", data.get("theme") or "", territories, bool(data.get("mine"))


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the discussions"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


def _body_field(label=None):
    return forms.CharField(
        label=label or _("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP + " " + _("Mention a member with @first-last (e.g. @lea-dubois)."),
        error_messages={"required": _("Write your message.")},
    )


class ThreadForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages={"required": _("Give a title.")}
    )
    body = _body_field(_("First message"))


class ComposeForm(ServiceErrorsMixin, forms.Form):
    """The home page's composer ("What's new?"): a message to one of the member's groups,
    which starts a discussion there through ``services.thread_create`` (its title: the one
    given, else the message's first words)."""

    body = forms.CharField(
        label=_("What's new?"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mention a member with @first-last (e.g. @lea-dubois)."),
        error_messages={"required": _("Write your message.")},
    )
    group = forms.ModelChoiceField(
        label=_("In the group"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Choose one of your groups."),
            "invalid_choice": _("Choose one of your groups."),
        },
    )
    title = forms.CharField(
        label=_("Subject (optional)"),
        max_length=TITLE_LENGTH,
        required=False,
        help_text=_("Else the first words of your message."),
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups

    def thread_title(self):
        """The subject given, else the message's first line cut to its first words."""
        title = self.cleaned_data.get("title", "").strip()
        if title:
            return title
        first_line = next(
            (line.strip() for line in self.cleaned_data["body"].splitlines() if line.strip()), ""
        )
        return Truncator(first_line).chars(TITLE_FROM_BODY)


class ReplyForm(ServiceErrorsMixin, forms.Form):
    body = _body_field(_("Your reply"))
    quoted = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    field_for = {"quoted": "body"}


class MessageEditForm(ServiceErrorsMixin, forms.Form):
    body = _body_field()


class ReasonForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the person concerned. Be precise and courteous."),
        error_messages={"required": _("Give the reason: it is sent with the decision.")},
    )

    def __init__(self, *args, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if not required:
            self.fields["reason"].label = _("Reason (optional)")


class JoinRequestForm(ServiceErrorsMixin, forms.Form):
    message = forms.CharField(
        label=_("A word to the moderators (optional)"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why you would like to join, who you are."),
    )


class DecisionForm(ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("refuse", _("Refuse"))],
        error_messages={"required": _("Accept or refuse the request.")},
    )
    message = forms.CharField(
        label=_("Message with the decision (optional)"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InviteForm(ServiceErrorsMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the member to invite"),
        help_text=_("They must have an account with this address."),
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("moderator", _("moderator")), ("member", _("member"))],
    )


class TransferForm(ServiceErrorsMixin, forms.Form):
    new_owner = forms.ModelChoiceField(
        label=_("New owner"), queryset=None, empty_label=_("Choose a member")
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_owner"].queryset = members
        self.fields["new_owner"].label_from_instance = lambda user: user.get_full_name()


class MoveForm(ServiceErrorsMixin, forms.Form):
    to_group = forms.ModelChoiceField(
        label=_("Move to the group"), queryset=None, empty_label=_("Choose a group")
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_group"].queryset = groups
