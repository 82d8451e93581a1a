from django.db import models
from django.utils.translation import gettext_lazy as _

from jiaoliuba.triage.choices import Category, Priority


class TriageRuleKind(models.TextChoices):
    CLASSIFY = "classify", _("Classify (sets priority and/or category)")
    NOT_RED = "not_red", _("Not red because (exception to 'hazards are red')")


class TriageRule(models.Model):
    """An administrator's rule: any keyword or pattern fires it unless an exclusion word
    is present. Every change bumps `version`; classifiers reload within seconds.

    A "not red because" rule is the only way a 安全隐患 or 群体性矛盾 verdict can be other
    than red (the seed's definition); its `reason` says why, for the people who audit it."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=16, choices=TriageRuleKind.choices, default=TriageRuleKind.CLASSIFY
    )
    reason = models.CharField(
        _("why not red"),
        max_length=200,
        blank=True,
        help_text=_("Required for a 'not red because' rule: why such appeals are not urgent."),
    )
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices, blank=True)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices, blank=True)
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("Separated by commas or new lines.")
    )
    patterns = models.TextField(
        _("patterns"), blank=True, help_text=_("Regular expressions, one per line.")
    )
    exclude = models.TextField(
        _("exclusion words"),
        blank=True,
        help_text=_("The rule does not fire when one of these appears."),
    )
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("triage rule")
        verbose_name_plural = _("triage rules")

    def __str__(self) -> str:
        return self.name


class TriageModelVersion(models.Model):
    """A trained statistical model with the metrics it earned on the validation split.
    At most one is active; none active means the model shipped with the package."""

    version = models.CharField(_("version"), max_length=64, unique=True)
    blob = models.BinaryField(
        _("model file"),
    )
    metrics = models.JSONField(_("metrics"), default=dict)
    red_threshold = models.FloatField(
        _("red threshold"),
    )
    trained_on = models.PositiveIntegerField(_("training examples"))
    active = models.BooleanField(_("active"), default=False)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="one_active_triage_model"
            )
        ]

    def __str__(self) -> str:
        return self.version
