"""Who may issue and download documents (django-rules).

A transcript (or an academic certificate) is issued by the registrar, by the dean of the
student's faculty, or by the student for themself; an issued document is downloaded by the
same people: its holder, the registrar, the dean of the holder's faculty. Only the registrar
revokes. Loaded by `DocumentsConfig.ready()`; the services import it too.
"""

from __future__ import annotations

import rules

from registrar.people.permissions import is_dean_of_student, is_registrar, is_the_student
from registrar.people.roles import scope_of


@rules.predicate
def is_holder(user, document) -> bool:
    return document is not None and scope_of(user).student_id == document.student_id


@rules.predicate
def is_dean_of_holder(user, document) -> bool:
    return document is not None and scope_of(user).is_dean_of(
        document.student.programme.department.faculty_id)


# Object: Student.
rules.add_perm("documents.issue_transcript", is_registrar | is_dean_of_student | is_the_student)
# Object: IssuedDocument.
rules.add_perm("documents.view_issueddocument", is_registrar | is_dean_of_holder | is_holder)
rules.add_perm("documents.revoke_issueddocument", is_registrar)
