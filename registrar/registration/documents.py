"""The printable individual study plan (PDF, WeasyPrint) with signature lines (§5)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import StudyPlan


def plan_html(plan: StudyPlan, language: str) -> str:
    with translation.override(language):
        lines = list(plan.lines.select_related("discipline").order_by("component",
                                                                      "discipline__code"))
        student = plan.student
        return render_to_string("registration/plan_pdf.html", {
            "plan": plan,
            "student_name": student.full_name_in(language),
            "programme": student.programme.name_in(language),
            "programme_code": student.programme.code,
            "group": student.group.name if student.group else "",
            "advisor": student.advisor.full_name_in(language) if student.advisor else "",
            "lines": [(line, line.discipline.name_in(language)) for line in lines],
            "total": sum(line.credits for line in lines),
            "university": settings.UNIVERSITY_NAME.get(language, ""),
            "language": language,
        })


def plan_pdf(plan: StudyPlan, language: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=plan_html(plan, language)).write_pdf()
