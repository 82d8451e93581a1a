from typing import cast

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts import selectors
from jiaoliuba.accounts.choices import VerificationStatus


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "138 0000 0000"}
        ),
    )


class CodeForm(PhoneForm):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "placeholder": _("6 digits"),
            }
        ),
    )


class StaffLoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=64)
    # Choosing a community fills the grid list at once (htmx); without JavaScript the
    # page's "show its grids" button re-renders the form instead.
    community = forms.ChoiceField(
        label=_("Community"),
        widget=forms.Select(
            attrs={
                "hx-get": reverse_lazy("accounts:grid_options"),
                "hx-trigger": "change",
                "hx-target": "#id_grid",
                "hx-swap": "innerHTML",
            }
        ),
    )
    grid = forms.ChoiceField(label=_("Grid"), required=False)
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Building, unit, room")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        communities = list(selectors.communities_for_choice())
        cast(forms.ChoiceField, self.fields["community"]).choices = [
            ("", _("Choose your community"))
        ] + [(c.code, f"{c.parent.name if c.parent else ''} · {c.name}") for c in communities]
        code = self.data.get("community") or self.initial.get("community")
        grids = []
        for c in communities:
            if c.code == code:
                grids = list(selectors.grids_of(community=c))
        cast(forms.ChoiceField, self.fields["grid"]).choices = [("", _("Not sure"))] + [
            (g.code, g.name) for g in grids
        ]


class GuardianConsentForm(forms.Form):
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=64)
    relation = forms.CharField(
        label=_("Relation to the child"),
        max_length=32,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. mother")}),
    )
    guardian_phone = forms.CharField(
        label=_("Guardian's mobile number"), max_length=20, required=False
    )


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. calling back about an appeal")}),
    )


class ResidentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name, address or full mobile number")}),
    )
    status = forms.ChoiceField(label=_("Verification"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("All")),
            *list(VerificationStatus.choices),
        ]
