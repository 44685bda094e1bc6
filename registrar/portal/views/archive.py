"""Hand-over of personal files of graduates and leavers to the archive (§9)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from registrar.contingent.models import ArchiveTransfer
from registrar.contingent.personal_files import hand_over_to_archive, missing_required
from registrar.contingent.services import OrderRefused
from registrar.people.choices import FINAL_STATUSES
from registrar.people.models import Student

from ..forms import ArchiveForm


@login_required
def archive(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("contingent.archive_files"):
        raise PermissionDenied
    candidates = list(
        Student.objects.filter(status__in=FINAL_STATUSES, archived_file__isnull=True)
        .select_related("group").order_by("last_name_ru")[:500]
    )
    missing = missing_required([s.pk for s in candidates])
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = [s for s in candidates if str(s.pk) in request.POST.getlist("student")]
        try:
            transfer = hand_over_to_archive(chosen, by=request.user, **form.cleaned_data)
        except OrderRefused as refused:
            for problem in refused.problems:
                messages.error(request, str(problem))
        else:
            messages.success(request, _("%(count)d files handed over by act %(act)s.")
                             % {"count": transfer.files.count(), "act": transfer.act_number})
            return redirect("portal:archive")
    return render(request, "portal/archive.html", {
        "form": form,
        "candidates": [(s, missing[s.pk]) for s in candidates],
        "transfers": ArchiveTransfer.objects.all()[:20],
    })
