from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from jiaoliuba.core import crypto


class EncryptedTextField(models.TextField):
    """Stores a Fernet token; Python sees the plain text. Cannot be searched: keep a
    keyed hash beside it (crypto.lookup_hash) for equality look-ups."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"isnull"}:
            raise FieldError(
                f"Encrypted field {self.name!r} cannot be filtered with {lookup_name!r}; "
                "filter on its hash field instead."
            )
        return super().get_lookup(lookup_name)
