"""Query parameters every list operation of the API shares, with their bounds in the
type, so a negative or absurd offset is a 422 in the error shape and not a database error
(Django refuses negative slices; 10**19 overflows a 64-bit OFFSET)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_OFFSET = 1_000_000

Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="rows to skip (0 … 1000000)")]
