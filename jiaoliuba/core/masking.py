def mask_phone(phone: str | None) -> str:
    """138****5678"""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_id_number(value: str | None) -> str:
    """411702********123X: region prefix and last four only."""
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_name(name: str | None) -> str:
    """张** / 欧阳**: family name only, for de-identified views."""
    if not name:
        return ""
    keep = 2 if len(name) >= 4 else 1
    # Two stars at most: the length of a name is itself a clue.
    return name[:keep] + "*" * min(2, max(1, len(name) - keep))
