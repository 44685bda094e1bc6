"""Choices shared by models and the pure rules (no database here)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Funding(models.TextChoices):
    STATE_GRANT = "state_grant", _("State grant")
    PAID = "paid", _("Paid (contract)")


class StudentStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant (not yet enrolled)")
    ACTIVE = "active", _("Studying")
    ON_LEAVE = "on_leave", _("On academic leave")
    EXPELLED = "expelled", _("Expelled")
    TRANSFERRED_OUT = "transferred_out", _("Transferred to another university")
    GRADUATED = "graduated", _("Graduated")


FINAL_STATUSES = (StudentStatus.EXPELLED, StudentStatus.TRANSFERRED_OUT, StudentStatus.GRADUATED)


class Role(models.TextChoices):
    REGISTRAR = "registrar", _("Registrar")
    DEAN = "dean", _("Dean's office")
    ADVISOR = "advisor", _("Advisor")
    TEACHER = "teacher", _("Teacher")
    STUDENT = "student", _("Student")
