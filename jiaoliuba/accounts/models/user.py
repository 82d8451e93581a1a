from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.fields import EncryptedTextField
from jiaoliuba.core.masking import mask_phone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, username: str | None = None, password: str | None = None, **extra
    ) -> User:
        user = self.model(username=username or None, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Staff sign in with username and password; residents with their mobile number and
    an SMS code (no username, no usable password)."""

    username = models.CharField(_("username"), max_length=64, unique=True, null=True, blank=True)
    display_name = models.CharField(_("name"), max_length=64, blank=True)
    phone = EncryptedTextField(_("mobile number"), blank=True, default="")
    phone_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    is_staff = models.BooleanField(
        _("admin access"), default=False, help_text=_("May sign in to the configuration admin.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # 适老化: larger type, stronger contrast, bigger buttons. Null until the person
    # chooses, so a choice made before signing in (kept in a cookie) still applies.
    large_text = models.BooleanField(_("large text"), null=True, blank=True, default=None)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username or mask_phone(self.phone) or f"#{self.pk}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
