"""``no-contact``: the help box asks the patient to come back, but gives no way to reach the
service (no phone number, address, email or website).

That happens when there is no ``letterkit.toml`` beside the letter (or it names no contact
details) and neither the settings nor the letter's own ``help.come_back`` give one: the
default wording then says only "you can contact <service>".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from letterkit.model.settings import Settings
from letterkit.review.fields import Locator, value_at
from letterkit.review.findings import Finding

__all__ = ["has_contact_detail", "no_contact"]

_DETAIL = re.compile(
    r"(?:\+?\d[\d ()-]{5,}\d)|(?:[\w.+-]+@[\w-]+\.[\w.-]+)|(?:https?://|www\.)\S+|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"
)
"""A phone number, an email or web address, or a UK postcode."""


def has_contact_detail(text: str | None) -> bool:
    return bool(text and _DETAIL.search(text))


def no_contact(data: Mapping[str, Any], settings: Settings, where: Locator, called: str) -> list[Finding]:
    service = settings.service
    if service.phone or service.email or service.address or service.website:
        return []
    own = value_at(data, ("help", "come_back"))
    come_back = own if isinstance(own, str) and own.strip() else settings.help.come_back
    if has_contact_detail(come_back):
        return []
    return [
        Finding(
            where.file,
            where.key_line(("help", "come_back")) if own else None,
            "help.come_back",
            "warning",
            "no-contact",
            f"the help box tells {called} they can come back to the service, but gives no phone "
            "number, address or email to do it — put the service's details in a letterkit.toml "
            "beside the letter ([service] phone, email, address), or write this letter's "
            "help.come_back with a number to call",
        )
    ]
