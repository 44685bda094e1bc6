"""Builders for the blank-form tests."""

from __future__ import annotations

import datetime as dt

from registrar.blanks import services
from registrar.blanks.models import Batch, FormType
from tests import factories

RECEIVED_ON = dt.date(2025, 6, 2)


def batch(by, form_type: str = FormType.DIPLOMA_BACHELOR, first: int = 1, last: int = 10,
          **kw) -> Batch:
    kw.setdefault("received_on", RECEIVED_ON)
    return services.receive_batch(form_type=form_type, by=by, first_number=first,
                                  last_number=last, **kw)


def graduate(degree: str = "bachelor"):
    return factories.student(factories.programme(degree=degree))
