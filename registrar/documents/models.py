"""Issued documents (§11): transcripts and academic certificates, verifiable online by code.

An issued document keeps a JSON snapshot of exactly what it shows, so its verification page and
every later re-print show what was issued even after the records change. Issued documents are
never overwritten: the model refuses any update but a revocation, and refuses deletion; on
PostgreSQL a trigger refuses the same past the ORM (migration 0002).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registrar.institution.models import Language


class DocumentKind(models.TextChoices):
    TRANSCRIPT = "transcript", _("Transcript")
    ACADEMIC_CERTIFICATE = "academic_certificate", _("Academic certificate")
    DIPLOMA = "diploma", _("Diploma")
    DIPLOMA_SUPPLEMENT = "diploma_supplement", _("Diploma supplement")


# The kinds this app issues from the academic record on request. Diplomas and supplements are
# issued only by the graduation app, each on a strict-accountability blank form.
RECORD_KINDS = (DocumentKind.TRANSCRIPT, DocumentKind.ACADEMIC_CERTIFICATE)


# 32 symbols without the look-alikes 0/O and 1/I: a code is read off paper and typed by hand.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 60 bits
CODE_GROUP = 4
CODE_RE = re.compile(rf"^[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")


def new_code() -> str:
    """A random verification code such as "K7QM-3XRD-P2WA" (cryptographically random)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def normalise_code(text: str) -> str | None:
    """A code as typed (any case, spaces or hyphens anywhere) in its printed form, or None when
    it cannot be a code."""
    raw = re.sub(r"[\s\-–—_.]", "", text or "").upper()
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return None
    return "-".join(raw[i:i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def canonical_json(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def sha256_of(content: Any) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()


class DocumentFrozen(Exception):
    """An attempt to change or delete an issued document."""


class IssuedDocumentQuerySet(models.QuerySet):
    REVOCATION_FIELDS = frozenset({"revoked_at", "revoked_by", "revoked_by_id", "revoke_reason"})

    def update(self, **kwargs: Any) -> int:
        frozen = set(kwargs) - self.REVOCATION_FIELDS
        if frozen:
            raise DocumentFrozen(
                f"issued documents cannot be changed ({', '.join(sorted(frozen))})")
        return super().update(**kwargs)

    def delete(self) -> Any:
        raise DocumentFrozen("issued documents cannot be deleted")


class IssuedDocument(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    student = models.ForeignKey("people.Student", verbose_name=_("student"),
                                on_delete=models.PROTECT, related_name="issued_documents")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    code = models.CharField(_("verification code"), max_length=14, unique=True)
    issued_at = models.DateTimeField(_("issued at"), db_index=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    content = models.JSONField(_("content"))
    content_sha256 = models.CharField(_("content SHA-256"), max_length=64)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoked by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)

    objects = IssuedDocumentQuerySet.as_manager()

    FROZEN_FIELDS = ("kind", "student_id", "language", "code", "issued_at", "issued_by_id",
                     "content", "content_sha256")
    REVOCATION_FIELDS = ("revoked_at", "revoked_by", "revoke_reason")

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["student", "issued_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            self.content_sha256 = sha256_of(self.content)
            super().save(*args, **kwargs)
            return
        revocation = ("revoked_at", "revoked_by_id", "revoke_reason")
        stored = type(self).objects.filter(pk=self.pk).values(
            *self.FROZEN_FIELDS, *revocation).first()
        if stored is None:
            raise DocumentFrozen("issued documents are never re-created")
        changed = [f for f in self.FROZEN_FIELDS if getattr(self, f) != stored[f]]
        if changed:
            raise DocumentFrozen(f"an issued document cannot be changed ({', '.join(changed)})")
        if stored["revoked_at"] is not None and any(
                getattr(self, f) != stored[f] for f in revocation):
            raise DocumentFrozen("a revocation cannot be undone or changed")
        kwargs["update_fields"] = list(self.REVOCATION_FIELDS)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise DocumentFrozen("issued documents cannot be deleted")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def content_intact(self) -> bool:
        return sha256_of(self.content) == self.content_sha256
