"""The NIK vault: NIKs kept encrypted apart from the cases, read only to send."""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Iterable, Mapping

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from core.db import many
from core.models import SatusehatNik
from core.satusehat.clients import enabled

logger = logging.getLogger(__name__)


def _fernet() -> Fernet:
    secret = (
        settings.SATUSEHAT_NIK_KEY
        or settings.SIGAP_PERSON_KEY_SECRET
        or settings.SECRET_KEY
    )
    digest = hashlib.sha256(b"sigap-satusehat-nik|" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def nik_vault_store(niks: Mapping[str, str]) -> int:
    """Keep the NIK of each NIK key (encrypted) for the bridge; only while it is on,
    so a deployment without SATUSEHAT keeps no NIK at all."""
    if not niks or not enabled():
        return 0
    box = _fernet()
    rows = [
        SatusehatNik(nik_key=key, nik_encrypted=box.encrypt(nik.encode()).decode())
        for key, nik in niks.items()
    ]
    SatusehatNik.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def nik_vault_read(keys: Iterable[str]) -> dict[str, str]:
    box = _fernet()
    found: dict[str, str] = {}
    for key, token in SatusehatNik.objects.filter(
        nik_key__in=many(set(keys))
    ).values_list("nik_key", "nik_encrypted"):
        try:
            found[key] = box.decrypt(token.encode()).decode()
        except InvalidToken:
            logger.warning("satusehat: a stored NIK cannot be decrypted (key changed?)")
    return found
