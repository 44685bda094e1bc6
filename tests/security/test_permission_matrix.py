"""Object-level permission matrix (issue 10), generated from the URL configuration.

Every URL pattern with a path parameter — the portal's (under one language prefix) and the
API's (/api/v1/) — is requested by every role that must not see or change the owner's objects
(`tests/security/matrix_world.py`): nobody, another student, a classmate, a teacher of another
section, an advisor who is not the owner's, the dean of another faculty. Each parameter names
the owner's object (`BY_PARAM`, or `BY_URL` where one name means different models in different
URLs); the URL is requested with every method its view accepts (GET, POST for the portal; the
operation's method for the API) and must be refused:

- portal, signed in: 403 or 404; portal, anonymous: a redirect to the sign-in page;
- API, with a role's bearer token: 403 or 404; API without credentials: 401 or 403;
- 405 only when the method is not allowed at all (the registrar gets 405 too);

and nothing may change (audit events, disclosures and every row of the owner's objects).

A new URL with a parameter the matrix does not know fails `test_every_parameter_is_mapped`
and its own cases, naming what to add. Objects public by design are in `EXEMPT`; roles that may
reach a URL by design (its object is not the owner's) in `ALLOWED`, each with the reason. The
Django admin is covered by one check: no non-staff role gets a 200 from any admin URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.test import Client, override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from registrar.api.models import ApiToken
from registrar.assessment.models import GradeEntry, GradeSheet, ReopenRequest
from registrar.audit.models import AuditEvent, Disclosure
from registrar.blanks.models import BlankForm, SpoilAct
from registrar.contingent.models import Order, OrderItem
from registrar.documents.models import IssuedDocument
from registrar.graduation.models import (
    AttestationCommission,
    AttestationEvent,
    AttestationResult,
    CommissionMember,
)
from registrar.people.models import Student
from registrar.records.models import Attempt
from registrar.registration.models import Registration, StudyPlan, StudyPlanLine
from registrar.reports.models import ExportJob, ReportKind
from registrar.scheduling.models import ClassMeeting, ExamSession, RoomBooking
from registrar.scholarships.models import GrantCompetition, ScholarshipRound

from . import matrix_world
from .matrix_world import DENIED_ROLES

LANGUAGE = "ru"  # the one language prefix the portal's patterns are requested under
SIGNED_IN = frozenset(role for role in DENIED_ROLES if role != "anonymous")

Spec = Callable[[SimpleNamespace], Any] | str | tuple[str, ...]


# --- The matrix ----------------------------------------------------------------------------
# A value is a function of the world (an object: its pk is used; or a value), a string, or a
# tuple of strings (one case for each).

# Parameter names that mean the same thing in every URL.
BY_PARAM: dict[str, Spec] = {
    "student_id": lambda w: w.owner,
    "sheet_id": lambda w: w.r1,
    "order_id": lambda w: w.draft,
    "document_id": lambda w: w.transcript,
    "registration_id": lambda w: w.registration,
    "period_id": lambda w: w.spring,
    "group_id": lambda w: w.group,
    "staff_id": lambda w: w.teacher.staff,
    "room_id": lambda w: w.room,
    "programme_id": lambda w: w.programme,
    "curriculum_id": lambda w: w.curriculum,
    "item_pk": lambda w: w.draft_item,
    "member_pk": lambda w: w.member,
    "language": "ru",
    "fmt": "xlsx",
    "export_format": ("xlsx", "pdf"),
}

# Names that mean different things in different URLs: mapped per URL name only.
AMBIGUOUS = frozenset({"pk", "code", "kind", "action"})

_REPORT_KINDS = tuple(ReportKind.values)
_PLAN_ACTIONS = ("add", "remove", "submit", "return", "advisor-approve", "dean-approve")


def _pk(attribute: str) -> dict[str, Spec]:
    return {"pk": lambda w: getattr(w, attribute)}


BY_URL: dict[str, dict[str, Spec]] = {
    # portal
    "portal:order_detail": _pk("draft"),
    "portal:order_add_item": _pk("draft"),
    "portal:order_remove_item": _pk("draft"),
    "portal:order_approve": _pk("draft"),
    "portal:order_apply": _pk("draft"),
    "portal:order_cancel": _pk("draft"),
    "portal:order_print": _pk("draft"),
    "portal:student_detail": _pk("owner"),
    "portal:plan_detail": _pk("plan"),
    "portal:plan_print": _pk("plan"),
    "portal:plan_action": {**_pk("plan"), "action": _PLAN_ACTIONS},
    "portal:sheet_detail": _pk("r1"),
    "portal:sheet_validate": _pk("r1"),
    "portal:sheet_submit": _pk("r1"),
    "portal:sheet_upload": _pk("r1"),
    "portal:sheet_template": _pk("r1"),
    "portal:sheet_print": _pk("r1"),
    "portal:sheet_reopen": _pk("r1"),
    "portal:reopen_decide": _pk("reopen"),
    "portal:drop": _pk("registration"),
    # documents
    "documents:download_pdf": _pk("transcript"),
    "documents:download_xlsx": _pk("transcript"),
    # blank forms
    "blanks:form_detail": _pk("blank"),
    "blanks:receipt_pdf": _pk("blank"),
    "blanks:sign_receipt": _pk("blank"),
    "blanks:act_pdf": _pk("act"),
    # graduation
    "graduation:commission": _pk("commission"),
    "graduation:member_add": _pk("commission"),
    "graduation:member_remove": _pk("commission"),
    "graduation:event_add": _pk("commission"),
    "graduation:event": _pk("event"),
    "graduation:result_record": _pk("event"),
    "graduation:issue": {"kind": ("diploma", "supplement")},
    "graduation:download_pdf": _pk("diploma"),
    # interoperability
    "interop:elmo": _pk("transcript"),
    "interop:pesc": _pk("transcript"),
    # scholarships
    "scholarships:round_detail": _pk("round"),
    "scholarships:round_compute": _pk("round"),
    "scholarships:round_draft_order": _pk("round"),
    "scholarships:round_xlsx": _pk("round"),
    "scholarships:round_pdf": _pk("round"),
    "scholarships:competition_detail": _pk("competition"),
    "scholarships:competition_rank": _pk("competition"),
    "scholarships:competition_draft_order": _pk("competition"),
    # reports (the faculty is asked for in the query or the form: see QUERY)
    "reports:job": _pk("job"),
    "reports:job_progress": _pk("job"),
    "reports:job_file": _pk("job"),
    "reports:report": {"kind": _REPORT_KINDS},
    "reports:export": {"kind": _REPORT_KINDS},
    "reports:download": {"kind": _REPORT_KINDS},
    # scheduling
    "scheduling:meeting_edit": _pk("meeting"),
    "scheduling:meeting_conflicts": _pk("meeting"),
    "scheduling:booking_cancel": _pk("booking"),
    "scheduling:session": _pk("session"),
    "scheduling:session_export": _pk("session"),
    "scheduling:session_schedule": _pk("session"),
    "scheduling:session_publish": _pk("session"),
    "scheduling:session_withdraw": _pk("session"),
}

def _faculty_a(w: SimpleNamespace) -> dict[str, Any]:
    """The owner's faculty asked for explicitly, in the query (GET) or the form (POST)."""
    return {"faculty": w.faculty.pk}


QUERY: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {
    "reports:report": _faculty_a,
    "reports:download": _faculty_a,
    "reports:export": _faculty_a,
}

# Bodies of the write requests: what the owner's side would send, so that a missing check
# would act on the owner's objects rather than fail validation.
DATA: dict[str, Callable[[SimpleNamespace], dict[str, Any]]] = {
    "reports:export": _faculty_a,
    "portal:register": lambda w: {"section": w.section.pk, "registration": w.registration.pk},
    "portal:plan_action": lambda w: {"discipline": w.his.pk, "comment": "tampered"},
    "portal:sheet_detail": lambda w: {f"score-{w.owner.pk}": "90"},
    "portal:sheet_validate": lambda w: {f"score-{w.owner.pk}": "90"},
    "portal:sheet_submit": lambda w: {"confirm": "yes"},
    "portal:sheet_reopen": lambda w: {"reason": "tampered"},
    "portal:reopen_decide": lambda w: {"decision": "approve", "hours": "48"},
    "portal:order_cancel": lambda w: {"reason": "tampered"},
    "portal:order_add_item": lambda w: {"student_iin": w.students[1].iin,
                                        "effective_date": "2026-02-03", "reason": "own_wish"},
    "documents:issue": lambda w: {"kind": "transcript", "language": "en"},
    "graduation:issue": lambda w: {"language": "ru"},
    "graduation:member_add": lambda w: {"name": "Tampered", "position": "x", "role": "member"},
    "graduation:event_add": lambda w: {"kind": "state_exam", "held_on": "2026-05-21",
                                       "title_ru": "x", "credits": "2"},
    "graduation:result_record": lambda w: {"student": w.owner.pk, "score": "90",
                                           "protocol_number": "1"},
    "blanks:sign_receipt": lambda w: {"signed_on": "2026-02-01"},
    "blanks:issue": lambda w: {"form_type": "BD"},
    "scheduling:booking_cancel": lambda w: {"reason": "tampered"},
    "scheduling:withdraw": lambda w: {"reason": "tampered"},
    "scheduling:session_withdraw": lambda w: {"reason": "tampered"},
    "api-1:enter_scores": lambda w: {"rows": [{"student_id": w.owner.pk, "score": "90"}]},
    "api-1:swap": lambda w: {"section_id": w.other_section.pk},
}

# URLs not in the matrix at all: their object is public by design.
EXEMPT: dict[str, str] = {
    "documents:verify": "the public verification page of a document's code: whoever holds the "
                        "printed document may check it, signed in or not; it shows only what "
                        "the document itself shows (tests/documents/test_views.py)",
}

# Roles that may reach a URL by design: its parameters do not name an object of the owner.
ALLOWED: dict[str, tuple[frozenset[str], str]] = {
    "portal:my_plan": (frozenset({"other_student", "classmate"}),
                       "the parameter is a term, not the owner's object: a student opens (and "
                       "generates) their own plan of that term"),
    "portal:registration": (frozenset({"other_student", "classmate"}),
                            "the parameter is a term: a student opens their own registration "
                            "page of that term"),
    "scheduling:group": (frozenset({"classmate"}),
                         "the owner's group is the classmate's too: its timetable is theirs "
                         "(scheduling.view_group)"),
    "scheduling:group_export": (frozenset({"classmate"}), "as scheduling:group"),
    "scheduling:mine_export": (SIGNED_IN, "the parameter is a file format: everyone downloads "
                                          "their own timetable"),
    "scheduling:term": (frozenset({"other_dean"}),
                        "a term is the whole university's; deans use the scheduling office "
                        "pages (scheduling.use) and the page counts, never lists, the classes"),
    "scheduling:room": (frozenset({"other_dean"}),
                        "rooms are shared by every faculty: a dean sees every room's week "
                        "(scheduling.view_room)"),
    "scheduling:room_export": (frozenset({"other_dean"}), "as scheduling:room"),
    "scheduling:session": (frozenset({"other_dean"}),
                           "an exam session is the whole university's; a dean sees only the "
                           "sittings of their own faculty in it (selectors.sittings_for)"),
    "scheduling:session_export": (frozenset({"other_dean"}), "as scheduling:session"),
    "api-1:get_programme": (SIGNED_IN, "the catalogue of educational programmes is public to "
                                       "every API user"),
    "api-1:get_curriculum": (SIGNED_IN, "working curricula are public to every API user"),
}

# The positive check requests each URL as the registrar unless named here.
POSITIVE_ACTOR: dict[str, str] = {
    "portal:my_plan": "owner_user",
    "portal:registration": "owner_user",
}
# ... with the first of the parameters' strings, unless named here.
POSITIVE_CHOICE: dict[str, dict[str, str]] = {
    "reports:download": {"kind": "debtors", "export_format": "xlsx"},
}


# --- The URL configuration ----------------------------------------------------------------

@dataclass(frozen=True)
class Endpoint:
    name: str
    route: str
    params: tuple[str, ...]
    methods: tuple[str, ...]
    api: bool

    def __str__(self) -> str:
        return self.name


def _walk(resolver: URLResolver, namespace: str = "", route: str = "",
          params: tuple[str, ...] = ()) -> Iterator[tuple[str, str, str, tuple[str, ...], Any]]:
    for pattern in resolver.url_patterns:
        here = route + str(pattern.pattern)
        names = params + tuple(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, inner, here, names)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield namespace, name or f"<unnamed {here}>", here, names, pattern.callback


def _closure(func: Any) -> dict[str, Any]:
    values = {}
    for name, cell in zip(func.__code__.co_freevars, func.__closure__ or (), strict=False):
        try:
            values[name] = cell.cell_contents
        except ValueError:  # an empty cell
            continue
    return values


def _api_methods(name: str, callback: Any) -> tuple[str, ...] | None:
    """The HTTP methods of a django-ninja operation (None: not an API view)."""
    path_view = _closure(callback).get("self")
    operations = getattr(path_view, "operations", None)
    if operations is None:
        return None
    short = name.rsplit(":", 1)[-1]
    chosen = [op for op in operations if op.view_func.__name__ == short] or operations
    return tuple(sorted({m.upper() for op in chosen for m in op.methods}))


def _portal_methods(callback: Any) -> tuple[str, ...]:
    """GET and POST, unless the view is wrapped in `require_http_methods` (require_GET/POST)."""
    func = callback
    while func is not None:
        if hasattr(func, "__code__"):
            allowed = _closure(func).get("request_method_list")
            if allowed is not None:
                return tuple(m for m in ("GET", "POST") if m in allowed)
        func = getattr(func, "__wrapped__", None)
    return ("GET", "POST")


def collect() -> tuple[list[Endpoint], list[tuple[str, str, tuple[str, ...]]]]:
    """The URLs with a path parameter (the admin's apart), and the admin's URLs."""
    endpoints, admin = [], []
    for namespace, name, route, params, callback in _walk(get_resolver()):
        if namespace == "admin":
            admin.append((name, route, params))
            continue
        if not params:
            continue
        api_methods = _api_methods(name, callback)
        methods = api_methods if api_methods is not None else _portal_methods(callback)
        endpoints.append(Endpoint(name, route, tuple(dict.fromkeys(params)), methods,
                                  api=api_methods is not None))
    return endpoints, admin


with translation.override(LANGUAGE):
    ENDPOINTS, ADMIN_URLS = collect()
NAMES = {e.name for e in ENDPOINTS}


def _spec(endpoint: Endpoint, param: str) -> Spec | None:
    per_url = BY_URL.get(endpoint.name, {})
    if param in per_url:
        return per_url[param]
    if param in AMBIGUOUS:
        return None
    return BY_PARAM.get(param)


def unmapped(endpoint: Endpoint) -> list[str]:
    return [p for p in endpoint.params if _spec(endpoint, p) is None]


def _advice(endpoint: Endpoint) -> str:
    missing = unmapped(endpoint)
    where = (f"BY_URL[{endpoint.name!r}]" if any(p in AMBIGUOUS for p in missing)
             else f"BY_PARAM (or BY_URL[{endpoint.name!r}])")
    return (f"{endpoint.name} ({endpoint.route}) has path parameters {missing} the permission "
            f"matrix does not know: add them to {where} in tests/security/"
            f"test_permission_matrix.py, naming the owner's object in tests/security/"
            f"matrix_world.py (or, if the object is public by design, add the URL to EXEMPT "
            f"with the reason)")


def _static_choices(endpoint: Endpoint) -> list[dict[str, str]]:
    """One dict per case of the parameters given as strings (a tuple: one case each)."""
    choices: list[dict[str, str]] = [{}]
    for param in endpoint.params:
        spec = _spec(endpoint, param)
        if isinstance(spec, tuple):
            choices = [{**c, param: v} for c in choices for v in spec]
    return choices


def _cases() -> Iterator[Any]:
    for endpoint in ENDPOINTS:
        if endpoint.name in EXEMPT:
            continue
        allowed = ALLOWED.get(endpoint.name, (frozenset(), ""))[0]
        choices = _static_choices(endpoint) if not unmapped(endpoint) else [{}]
        for choice in choices:
            label = endpoint.name + "".join(f"[{v}]" for v in choice.values())
            for role in DENIED_ROLES:
                if role in allowed:
                    continue
                for method in endpoint.methods:
                    yield pytest.param(endpoint, choice, role, method,
                                       id=f"{label}-{role}-{method}")


CASES = list(_cases())


# --- The world and the requests -----------------------------------------------------------

@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    """The world, built once for the module inside a transaction rolled back at its end; each
    test's own changes are rolled back by the `db` fixture (a savepoint inside it)."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast), \
            translation.override(settings.LANGUAGE_CODE):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = matrix_world.build()
            _sign_in_once(w)
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _sign_in_once(w: SimpleNamespace) -> None:
    """A session and a bearer token for each user who makes requests, made once: a request
    then only carries them (a sign-in per case would be a third of the module's time)."""
    users = [_user(w, role) for role in DENIED_ROLES] + [
        w.registrar, w.dean, w.owner_user, w.advisor, w.teacher]
    w.session_of, w.token_of = {}, {}
    for user in users:
        if user is None or user.pk in w.session_of:
            continue
        client = Client()
        client.force_login(user)
        w.session_of[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
        w.token_of[user.pk] = ApiToken.issue(user, "matrix")[1]


def _value(spec: Spec, w: SimpleNamespace) -> Any:
    value = spec(w) if callable(spec) else spec
    return value.pk if isinstance(value, models.Model) else value


def _path(endpoint: Endpoint, choice: dict[str, str], w: SimpleNamespace) -> str:
    kwargs = {p: choice[p] if p in choice else _value(_spec(endpoint, p), w)  # type: ignore
              for p in endpoint.params}
    with translation.override(LANGUAGE):
        return reverse(endpoint.name, kwargs=kwargs)


def _user(w: SimpleNamespace, role: str) -> Any:
    attribute = DENIED_ROLES.get(role, role)
    return None if attribute is None else getattr(w, attribute)


def request(w: SimpleNamespace, endpoint: Endpoint, path: str, user: Any, method: str,
            ) -> Any:
    client = Client()
    query = QUERY[endpoint.name](w) if endpoint.name in QUERY else {}
    data = DATA[endpoint.name](w) if endpoint.name in DATA else {}
    if endpoint.api:
        headers = {} if user is None else {"HTTP_AUTHORIZATION": f"Bearer {w.token_of[user.pk]}"}
        if method == "GET":
            return client.get(path, query, **headers)
        return client.generic(method, path, json.dumps(data),
                              content_type="application/json", **headers)
    if user is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = w.session_of[user.pk]
    if method == "GET":
        return client.get(path, query)
    return client.post(path, {**query, **data})


# What a refused request may change: the denial log only (and the caller's session and token).
_COUNTED = (AuditEvent, Disclosure, IssuedDocument, Order, OrderItem, StudyPlan, StudyPlanLine,
            Registration, GradeSheet, GradeEntry, ReopenRequest, BlankForm, SpoilAct,
            AttestationCommission, CommissionMember, AttestationEvent, AttestationResult,
            ExportJob, ScholarshipRound, GrantCompetition, ClassMeeting, RoomBooking,
            ExamSession, Attempt, Student)


def _fingerprint_queries(w: SimpleNamespace) -> list[tuple[str, list[int]]]:
    """The SQL of `fingerprint` (raw: it runs twice for each of hundreds of cases). Only
    table names are written into it, quoted; every value is a parameter."""
    quote = connection.ops.quote_name
    watched = [w.owner, w.plan, w.registration, w.section, w.r1, w.r2, w.exam, w.reopen,
               w.order, w.draft, w.draft_item, w.blank, w.act, w.commission, w.member, w.event,
               w.round, w.competition, w.job, w.meeting, w.booking, w.session]
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})"  # noqa: S608
                       for m in _COUNTED)
    queries: list[tuple[str, list[int]]] = [(f"SELECT {counts}", [])]
    by_table: dict[str, list[int]] = {}
    for obj in watched:
        by_table.setdefault(obj._meta.db_table, []).append(obj.pk)
    for table, pks in sorted(by_table.items()):
        marks = ", ".join(["%s"] * len(pks))
        queries.append((f"SELECT * FROM {quote(table)} WHERE id IN ({marks}) ORDER BY id",  # noqa: S608
                        pks))
    scores, lines = quote(GradeEntry._meta.db_table), quote(StudyPlanLine._meta.db_table)
    queries.append((f"SELECT sheet_id, student_id, score FROM {scores} ORDER BY id", []))  # noqa: S608
    queries.append((f"SELECT discipline_id FROM {lines} WHERE plan_id = %s "  # noqa: S608
                    "ORDER BY discipline_id", [w.plan.pk]))
    return queries


def fingerprint(w: SimpleNamespace) -> list[Any]:
    """The counts of the tables the owner's objects live in, those objects' rows whole, every
    score, the plan's lines."""
    if not hasattr(w, "fingerprint_sql"):
        w.fingerprint_sql = _fingerprint_queries(w)
    with connection.cursor() as cursor:
        result = []
        for sql, params in w.fingerprint_sql:
            cursor.execute(sql, params)
            result.append(cursor.fetchall())
    return result


# --- The matrix ----------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_every_parameter_is_mapped() -> None:
    problems = [f"{e.name}: give the URL pattern a name, then add it to the permission matrix"
                for e in ENDPOINTS if e.name.startswith("<unnamed")]
    problems += [_advice(e) for e in ENDPOINTS if e.name not in EXEMPT and unmapped(e)]
    assert not problems, "\n".join(problems)


def test_the_matrix_has_no_stale_entries() -> None:
    """Every exemption, allowance and mapping still names a URL (and its parameters)."""
    stale = [f"EXEMPT[{n!r}]" for n in EXEMPT if n not in NAMES]
    stale += [f"ALLOWED[{n!r}]" for n in ALLOWED if n not in NAMES]
    stale += [f"ALLOWED[{n!r}]: role {r!r}" for n, (roles, _) in ALLOWED.items()
              for r in roles if r not in DENIED_ROLES]
    stale += [f"ALLOWED[{n!r}] has no reason" for n, (_, reason) in ALLOWED.items()
              if not reason.strip()]
    stale += [f"EXEMPT[{n!r}] has no reason" for n, reason in EXEMPT.items() if not reason]
    by_name = {e.name: e for e in ENDPOINTS}
    for table in (BY_URL, QUERY, DATA, POSITIVE_ACTOR, POSITIVE_CHOICE):
        stale += [f"{n!r} is no URL with a path parameter" for n in table if n not in NAMES]
    stale += [f"BY_URL[{n!r}][{p!r}]" for n, params in BY_URL.items() if n in by_name
              for p in params if p not in by_name[n].params]
    used = {p for e in ENDPOINTS for p in e.params}
    stale += [f"BY_PARAM[{p!r}]" for p in BY_PARAM if p not in used]
    assert not stale, "stale entries in the permission matrix: " + ", ".join(stale)


def test_a_new_parameter_fails_with_advice() -> None:
    """What a developer sees after adding a URL the matrix does not know."""
    new = Endpoint("shop:basket", "ru/shop/<int:basket_id>/", ("basket_id",), ("GET",), False)
    assert unmapped(new) == ["basket_id"]
    assert "add them to BY_PARAM" in _advice(new)
    ambiguous = Endpoint("shop:item", "ru/shop/items/<int:pk>/", ("pk",), ("GET",), False)
    assert unmapped(ambiguous) == ["pk"] and "BY_URL['shop:item']" in _advice(ambiguous)


def test_the_matrix_covers_the_api_and_the_portal() -> None:
    assert any(e.api for e in ENDPOINTS) and any(not e.api for e in ENDPOINTS)
    assert all(e.route.startswith(("api/v1/", f"{LANGUAGE}/")) for e in ENDPOINTS), \
        [e.route for e in ENDPOINTS if not e.route.startswith(("api/v1/", f"{LANGUAGE}/"))]


@pytest.mark.parametrize(("endpoint", "choice", "role", "method"), CASES)
def test_denied(world: SimpleNamespace, endpoint: Endpoint, choice: dict[str, str], role: str,
                method: str) -> None:
    if unmapped(endpoint):
        pytest.fail(_advice(endpoint))
    w = world
    path = _path(endpoint, choice, w)
    before = fingerprint(w)
    response = request(w, endpoint, path, _user(w, role), method)
    status = response.status_code
    where = f"{method} {path} as {role}"
    if status == 405:
        again = request(w, endpoint, path, w.registrar, method).status_code
        assert again == 405, f"{where}: 405, but the registrar gets {again}"
    elif role == "anonymous" and endpoint.api:
        assert status in (401, 403), f"{where}: {status}"
    elif role == "anonymous":
        assert status == 302, f"{where}: {status}, not a redirect to sign in"
        with translation.override(LANGUAGE):
            login = reverse("login")
        assert urlparse(response["Location"]).path == login, f"{where}: {response['Location']}"
    else:
        assert status in (403, 404), f"{where}: {status} — the owner's object is not refused"
    assert fingerprint(w) == before, f"{where}: the request changed data"


def test_the_fingerprint_sees_a_change(world: SimpleNamespace) -> None:
    """The check of `test_denied` is not blind: the owner's advisor approving the plan (the
    same request the other advisor is refused) changes the fingerprint."""
    w = world
    endpoint = next(e for e in ENDPOINTS if e.name == "portal:plan_action")
    path = _path(endpoint, {"action": "advisor-approve"}, w)
    before = fingerprint(w)
    assert request(w, endpoint, path, w.advisor, "POST").status_code == 302
    assert fingerprint(w) != before


# --- Ids in the query or body of the API's lists and writes --------------------------------
# Lists have no object in the path: one filtered by the owner's id must be refused or leave
# the owner out. (name, query, body, does an answered item belong to the owner?)

def _owner_id(field: str) -> Callable[[SimpleNamespace, dict[str, Any]], bool]:
    return lambda w, item: item.get(field) == w.owner.pk


ID_FILTERS: dict[str, tuple[Callable[[SimpleNamespace], dict[str, Any]],
                            Callable[[SimpleNamespace, dict[str, Any]], bool]]] = {
    "api-1:list_students": (lambda w: {"group_id": w.group.pk}, _owner_id("id")),
    "api-1:list_documents": (lambda w: {"student_id": w.owner.pk}, _owner_id("student_id")),
    "api-1:list_sheets": (lambda w: {"section_id": w.section.pk}, lambda w, item: True),
    "api-1:gpa_snapshots": (lambda w: {"student_id": w.owner.pk}, _owner_id("student_id")),
    "api-1:list_orders": (lambda w: {"student_id": w.owner.pk}, lambda w, item: True),
    "api-1:my_registrations": (lambda w: {"period_id": w.spring.pk, "student_id": w.owner.pk},
                               _owner_id("student_id")),
}


@pytest.mark.parametrize("role", sorted(SIGNED_IN))
@pytest.mark.parametrize("name", list(ID_FILTERS))
def test_lists_filtered_by_the_owners_ids_leave_the_owner_out(world: SimpleNamespace,
                                                              name: str, role: str) -> None:
    w = world
    query, owned = ID_FILTERS[name]
    with translation.override(LANGUAGE):
        path = reverse(name)
    response = Client().get(path, query(w),
                            HTTP_AUTHORIZATION=f"Bearer {w.token_of[_user(w, role).pk]}")
    if response.status_code in (403, 404):
        return
    assert response.status_code == 200, f"GET {path} {query(w)} as {role}: {response.status_code}"
    body = response.json()
    items = body["items"] if isinstance(body, dict) else body
    leaked = [item for item in items if owned(w, item)]
    assert not leaked, f"GET {path} {query(w)} as {role} answers the owner's {leaked}"


@pytest.mark.parametrize("role", sorted(SIGNED_IN))
def test_registering_the_owner_through_the_api_is_refused(world: SimpleNamespace,
                                                          role: str) -> None:
    w = world
    with translation.override(LANGUAGE):
        path = reverse("api-1:register")
    before = fingerprint(w)
    response = Client().post(path, {"section_id": w.other_section.pk, "student_id": w.owner.pk},
                             content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {w.token_of[_user(w, role).pk]}")
    assert response.status_code in (403, 404), response.status_code
    assert fingerprint(w) == before


@pytest.mark.parametrize("name", list(ID_FILTERS))
def test_the_registrar_finds_the_owner_through_the_filters(world: SimpleNamespace,
                                                          name: str) -> None:
    """The filters are not vacuous: the registrar's answer holds the owner's items."""
    w = world
    query, owned = ID_FILTERS[name]
    with translation.override(LANGUAGE):
        path = reverse(name)
    response = Client().get(path, query(w),
                            HTTP_AUTHORIZATION=f"Bearer {w.token_of[w.registrar.pk]}")
    assert response.status_code == 200
    body = response.json()
    items = body["items"] if isinstance(body, dict) else body
    assert any(owned(w, item) for item in items), (name, body)


# --- The ids are real: the owner's side reaches them ---------------------------------------

def _positive_cases() -> Iterator[Any]:
    for endpoint in ENDPOINTS:
        if endpoint.name in EXEMPT or unmapped(endpoint) or "GET" not in endpoint.methods:
            continue
        if "pdf" in endpoint.route + endpoint.name or "print" in endpoint.name:
            continue  # printing is tested with the documents; here it would only be slow
        if ALLOWED.get(endpoint.name, (frozenset(),))[0] == SIGNED_IN and not any(
                callable(_spec(endpoint, p)) for p in endpoint.params):
            continue  # its parameters name no object (scheduling:mine_export: a format)
        choice = POSITIVE_CHOICE.get(endpoint.name) or _static_choices(endpoint)[0]
        yield pytest.param(endpoint, choice, id=endpoint.name)


@pytest.mark.parametrize(("endpoint", "choice"), list(_positive_cases()))
def test_the_owner_side_reaches_the_object(world: SimpleNamespace, endpoint: Endpoint,
                                           choice: dict[str, str]) -> None:
    """Without this the matrix could pass on ids that name nothing."""
    w = world
    path = _path(endpoint, choice, w)
    actor = getattr(w, POSITIVE_ACTOR.get(endpoint.name, "registrar"))
    status = request(w, endpoint, path, actor, "GET").status_code
    assert status in (200, 302), f"GET {path}: {status}"


@pytest.mark.parametrize("name", ["portal:student_detail", "portal:plan_detail",
                                  "portal:order_detail", "portal:sheet_detail",
                                  "documents:student_documents", "graduation:commission",
                                  "scholarships:round_detail", "reports:job",
                                  "scheduling:teacher", "api-1:get_student"])
def test_the_dean_of_the_owners_faculty_is_allowed(world: SimpleNamespace, name: str) -> None:
    w = world
    endpoint = next(e for e in ENDPOINTS if e.name == name)
    path = _path(endpoint, _static_choices(endpoint)[0], w)
    assert request(w, endpoint, path, w.dean, "GET").status_code == 200


# --- The admin -----------------------------------------------------------------------------

def _admin_kwargs(w: SimpleNamespace, params: tuple[str, ...]) -> dict[str, Any]:
    values = {"object_id": str(w.owner.pk), "id": str(w.owner_user.pk), "pk": 1,
              "app_label": "people",
              "url": "nothing",
              "content_type_id": ContentType.objects.get_for_model(Student).pk}
    missing = [p for p in params if p not in values]
    assert not missing, f"admin URL parameters {missing}: add a value in _admin_kwargs"
    return {p: values[p] for p in params}


def _fill(route: str, values: dict[str, Any]) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), route)


@pytest.mark.parametrize("role", list(DENIED_ROLES))
def test_no_admin_page_for_non_staff(world: SimpleNamespace, role: str) -> None:
    w = world
    client = Client()
    user = _user(w, role)
    if user is not None:
        assert not user.is_staff
        client.cookies[settings.SESSION_COOKIE_NAME] = w.session_of[user.pk]
    with translation.override(LANGUAGE):
        login, index = reverse("admin:login"), reverse("admin:index")
    answered = {}
    for name, route, params in ADMIN_URLS:
        if name == "admin:login":
            continue  # the admin's own sign-in form
        if name.startswith("<unnamed"):  # no name to reverse: fill the route in
            if "(?P<" in route:  # the catch-all regex: any other address under admin/
                path = f"/{LANGUAGE}/admin/nothing/here/"
            else:
                path = "/" + _fill(route, _admin_kwargs(w, params))
            answered[path] = client.get(path).status_code
            continue
        with translation.override(LANGUAGE):
            try:
                path = reverse(name, kwargs=_admin_kwargs(w, params))
            except NoReverseMatch:
                path = reverse(name, kwargs={**_admin_kwargs(w, params), "app_label": "auth"})
        response = client.get(path)
        answered[path] = response.status_code
        if response.status_code == 302:  # to the admin's sign-in (logout: to its index)
            assert urlparse(response["Location"]).path in (login, index), \
                (path, response["Location"])
    assert len(answered) > 50
    wrong = {p: s for p, s in answered.items() if s not in (302, 403, 404, 405)}
    assert not wrong, f"admin pages answered {role}: {wrong}"
