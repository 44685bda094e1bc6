"""The student's dashboard on the home page and the role navigation of the layout (issue 6).

The student of the world has, in 2025-2026:
    autumn: A 5 credits, A 5 credits, F 3 credits (an open debt)  → term GPA 40/13
    spring: A 3 credits                                           → term GPA 4.00
    cumulative = (20 + 20 + 0 + 12) / 16 = 52 / 16 = 3.25; credits earned 13
so the page shows 3,25 in Russian and Kazakh and 3.25 in English, the figure of the records
selectors and of the transcript.
"""

from __future__ import annotations

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import reset_format_cache

from registrar.documents import services as documents
from registrar.documents.selectors import transcript_data
from registrar.people.models import Role, Student
from registrar.policy.gpa import display
from registrar.records import selectors as records
from tests import factories
from tests.records import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db) -> SimpleNamespace:
    w = builders.build_world()
    w.advisor = factories.user(role=Role.ADVISOR)
    w.advisor.staff.email = "advisor@example.edu"
    w.advisor.staff.last_name_en, w.advisor.staff.first_name_en = "Advisorova", "Dana"
    w.advisor.staff.save()
    w.me, w.other = builders.enrol(w, 2)
    w.me_user, w.other_user = factories.user(), factories.user()
    Student.objects.filter(pk=w.me.pk).update(user=w.me_user, advisor=w.advisor.staff,
                                              last_name_en="Myself", first_name_en="Aru")
    Student.objects.filter(pk=w.other.pk).update(user=w.other_user, last_name_en="Otherson",
                                                 first_name_en="Bolat")
    w.me.refresh_from_db()
    w.other.refresh_from_db()

    w.failed = builders.discipline(3, "FLD1103")
    builders.grade(w, w.me, w.autumn, "A", 5, subject=builders.discipline(5, "MAT1101"))
    builders.grade(w, w.me, w.autumn, "A", 5, subject=builders.discipline(5, "HIS1102"))
    builders.grade(w, w.me, w.autumn, "F", 3, subject=w.failed)
    builders.grade(w, w.me, w.spring, "A", 3, subject=builders.discipline(3, "PHY1201"))
    w.other_failed = builders.discipline(5, "OTH1999")
    builders.grade(w, w.other, w.autumn, "D", 5, subject=builders.discipline(5, "OTH1998"))
    builders.grade(w, w.other, w.autumn, "F", 5, subject=w.other_failed)
    return w


def _home(client, user, language: str):
    client.force_login(user)
    with translation.override(language):
        url = reverse("portal:home")
    response = client.get(url)
    assert response.status_code == 200
    return response


def _figure(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert found, element_id
    return found.group(1).strip()


def test_gpa_is_the_snapshot_figure_of_records_and_documents(client, w):
    exact = records.cumulative_gpa(w.me, 2025)
    assert exact == Decimal("3.25")
    assert transcript_data(w.me, "en")["totals"]["cumulative_gpa"] == "3.25"
    response = _home(client, w.me_user, "en")
    dashboard = response.context["dashboard"]
    assert dashboard.cumulative_gpa == display(exact)
    assert dashboard.term_gpa == Decimal("4.00") and dashboard.last_term == w.spring
    assert dashboard.credits_earned == 13
    html = response.content.decode()
    assert _figure(html, "cumulative-gpa") == "3.25"
    assert _figure(html, "term-gpa") == "4.00"
    assert _figure(html, "credits-earned") == "13"


@pytest.mark.parametrize(("language", "gpa", "term"), [("ru", "3,25", "4,00"),
                                                       ("en", "3.25", "4.00")])
def test_numbers_follow_the_language(client, w, language, gpa, term):
    html = _home(client, w.me_user, language).content.decode()
    assert _figure(html, "cumulative-gpa") == gpa
    assert _figure(html, "term-gpa") == term


@pytest.fixture
def project_formats():
    """FORMAT_MODULE_PATH set as the settings are meant to set it; Django's format caches are
    keyed by language only, so they are emptied on the way in and out."""
    reset_format_cache()
    with override_settings(FORMAT_MODULE_PATH=["registrar.formats"]):
        yield
    reset_format_cache()


def test_kazakh_uses_the_project_formats(client, w, project_formats):
    doc = documents.issue_transcript(w.me, by=w.registrar, language="kk")
    html = _home(client, w.me_user, "kk").content.decode()
    assert _figure(html, "cumulative-gpa") == "3,25"
    assert timezone.localtime(doc.issued_at).strftime("%d.%m.%Y") in html


def test_kazakh_formats_module():
    from registrar.formats.kk import formats

    assert formats.DECIMAL_SEPARATOR == "," and formats.SHORT_DATE_FORMAT == "d.m.Y"


def test_dashboard_shows_studies_debts_grades_and_links(client, w):
    response = _home(client, w.me_user, "en")
    html = response.content.decode()
    # Studies: status (translated), programme, group, year, advisor with e-mail.
    assert "Studying" in html
    assert w.programme.code in html and w.programme.name_en in html
    assert w.me.group.name in html
    assert "Advisorova Dana" in html and "mailto:advisor@example.edu" in html
    # The open debt: discipline, term and the kind of the failed attempt.
    debts = response.context["dashboard"].debts
    assert [(d.code, d.term, d.letter) for d in debts] == [("FLD1103", w.autumn, "F")]
    assert "FLD1103" in html and "Regular term" in html
    # Latest grades, newest first.
    grades = response.context["dashboard"].recent_grades
    assert grades[0].code == "PHY1201"
    assert {g.code for g in grades} == {"PHY1201", "MAT1101", "HIS1102", "FLD1103"}
    # Links: plans and registration of the current term, grades, documents.
    with translation.override("en"):
        for url in (reverse("portal:my_plan", args=[w.next_autumn.pk]),
                    reverse("portal:registration", args=[w.next_autumn.pk]),
                    reverse("portal:my_grades"), reverse("documents:mine")):
            assert f'href="{url}"' in html


def test_no_debts_message_when_clear(client, w):
    from registrar.records.models import AcademicDebt

    AcademicDebt.objects.filter(student=w.me).update(state="cleared")
    html = _home(client, w.me_user, "en").content.decode()
    debts = re.search(r'<section class="card" id="debts".*?</section>', html, re.S)
    assert debts and "No academic debts." in debts.group(0)
    assert "FLD1103" not in debts.group(0)


def test_another_students_data_is_absent(client, w):
    html = _home(client, w.me_user, "en").content.decode()
    for text in ("OTH1999", "OTH1998", "Otherson", w.other.iin):
        assert text not in html
    other_doc = documents.issue_transcript(w.other, by=w.registrar, language="en")
    html = _home(client, w.me_user, "en").content.decode()
    assert other_doc.code not in html
    assert reverse("documents:download_pdf", args=[other_doc.pk])[3:] not in html


def test_issued_documents_with_codes_downloads_and_local_dates(client, w):
    doc = documents.issue_transcript(w.me, by=w.registrar, language="ru")
    en = _home(client, w.me_user, "en").content.decode()
    assert doc.code in en
    with translation.override("en"):
        assert reverse("documents:download_pdf", args=[doc.pk]) in en
        assert reverse("documents:download_xlsx", args=[doc.pk]) in en
        assert reverse("documents:verify", args=[doc.code]) in en
    issued = timezone.localtime(doc.issued_at).date()
    assert issued.strftime("%m/%d/%Y") in en  # English SHORT_DATE_FORMAT
    ru = _home(client, w.me_user, "ru").content.decode()
    assert issued.strftime("%d.%m.%Y") in ru  # Russian SHORT_DATE_FORMAT


def test_student_without_grades_sees_dashes(client, w):
    (fresh,) = builders.enrol(w, 1)
    fresh.user = factories.user()
    fresh.save(update_fields=["user"])
    response = _home(client, fresh.user, "en")
    assert response.context["dashboard"].cumulative_gpa is None
    html = response.content.decode()
    assert _figure(html, "cumulative-gpa") == "—"
    assert _figure(html, "credits-earned") == "0"


# --- The layout's navigation by role ------------------------------------------------------

def _nav(html: str) -> str:
    found = re.search(r'<nav class="main-nav".*?</nav>', html, re.S)
    assert found
    return found.group(0)


def test_student_navigation_and_current_page(client, w):
    nav = _nav(_home(client, w.me_user, "en").content.decode())
    for label in ("Home", "My plan", "Registration", "My grades", "My documents", "Timetable"):
        assert f">{label}</a>" in nav
    for label in ("Orders", "Students", "Archive", "Approvals", "Security", "Graduation"):
        assert f">{label}</a>" not in nav
    assert re.search(r'<a href="/en/" aria-current="page">Home</a>', nav)
    client.force_login(w.me_user)
    with translation.override("en"):
        grades = client.get(reverse("portal:my_grades")).content.decode()
    assert re.search(r'aria-current="page">My grades</a>', _nav(grades))
    assert len(re.findall("aria-current", _nav(grades))) == 1


def test_staff_navigation_by_role(client, w):
    teacher = factories.user(role=Role.TEACHER)
    nav = _nav(_home(client, teacher, "en").content.decode())
    assert ">Grade sheets</a>" in nav and ">Approvals</a>" not in nav
    assert ">Timetable</a>" in nav and ">Scheduling</a>" not in nav
    assert ">My grades</a>" not in nav and ">Orders</a>" not in nav
    for label in ("Statistics", "Scholarships", "Graduation", "Blank forms"):
        assert f">{label}</a>" not in nav

    nav = _nav(_home(client, w.advisor, "en").content.decode())
    assert ">Approvals</a>" in nav and ">Grade sheets</a>" not in nav

    nav = _nav(_home(client, w.dean, "en").content.decode())
    for label in ("Students", "Orders", "Grade sheet board", "Approvals", "Reports"):
        assert f">{label}</a>" in nav
    assert ">Archive</a>" not in nav

    nav = _nav(_home(client, w.registrar, "en").content.decode())
    for label in ("Students", "Orders", "Grade sheet board", "Reports", "Archive", "Statistics",
                  "Scholarships", "Graduation", "Blank forms", "Data exchange", "Scheduling",
                  "Security"):
        assert f">{label}</a>" in nav
    assert ">My documents</a>" not in nav
    with translation.override("en"):
        reports = client.get(reverse("portal:report_debts")).content.decode()
    assert re.findall(r'aria-current="page">([^<]+)</a>', _nav(reports)) == ["Reports"]


def test_staff_home_keeps_its_cards(client, w):
    response = _home(client, w.registrar, "en")
    assert response.context["dashboard"] is None
    html = response.content.decode()
    with translation.override("en"):
        for url in (reverse("portal:student_list"), reverse("portal:order_create"),
                    reverse("portal:archive"), reverse("portal:student_import")):
            assert f'href="{url}' in html
    assert 'id="cumulative-gpa"' not in html


def test_layout_is_accessible(client, w):
    html = _home(client, w.me_user, "en").content.decode()
    assert '<a class="skip" href="#main">' in html and '<main id="main"' in html
    assert '<html lang="en">' in html
    # Every visible form control has a label.
    for control in re.finditer(r"<(select|input|textarea)\b([^>]*)>", html):
        attrs = control.group(2)
        if 'type="hidden"' in attrs:
            continue
        control_id = re.search(r'id="([^"]+)"', attrs)
        assert control_id and f'for="{control_id.group(1)}"' in html, control.group(0)
