"""The rows of the busiest tables, drawn in Python (portal/templatetags/table_rows.py): every
value escaped; on the registration page the button the student may press posting the
section's id (§5: register, join the waitlist, swap), in the page's language; in the student
search the same cells the template drew."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from registrar.portal.templatetags.table_rows import section_rows, student_rows


def _section(**kw):
    section = {"pk": "7", "code": "CS101-01", "teacher": "Иванов И.", "language": "русский",
               "schedule": "Tue 10:00", "seats": "3 / 30", "button": "register"}
    return {**section, **kw}


def test_every_value_is_escaped():
    html = str(section_rows([_section(code="<script>x</script>", teacher='A "B" & C',
                                      schedule="<b>", seats="1 < 2", pk='"><x')]))
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "A &quot;B&quot; &amp; C" in html and "&lt;b&gt;" in html and "1 &lt; 2" in html
    assert 'value="&quot;&gt;&lt;x"' in html


def test_each_action_has_its_button_posting_the_section_and_none_has_no_button():
    with translation.override("en"):
        html = str(section_rows([_section(pk="1", button="register"),
                                 _section(pk="2", button="waitlist"),
                                 _section(pk="3", button="swap"),
                                 _section(pk="4", button=None)]))
    rows = html.strip().split("\n")
    assert len(rows) == 4 and all(r.startswith("<tr>") and r.endswith("</tr>") for r in rows)
    assert '<button type="submit" name="section" value="1">Register</button>' in rows[0]
    assert '<button type="submit" name="section" value="2">Join the waitlist</button>' in rows[1]
    assert '<button type="submit" name="section" value="3">Swap here</button>' in rows[2]
    assert "<button" not in rows[3] and "<td>CS101-01</td>" in rows[3]


def test_labels_follow_the_language_and_the_tag_works_in_a_template():
    template = Template("{% load table_rows %}{% section_rows sections %}")
    with translation.override("ru"):
        russian = template.render(Context({"sections": [_section()]}))
    with translation.override("en"):
        english = template.render(Context({"sections": [_section()]}))
    assert ">Register</button>" in english and ">Register</button>" not in russian
    assert "<td>Tue 10:00</td><td>3 / 30</td>" in russian
    assert template.render(Context({"sections": []})) == ""


def test_student_rows_are_the_cells_the_template_drew_with_every_value_escaped():
    row = {"href": "/ru/students/5/", "name": "Серикова <Айгуль>", "iin": "040503616884",
           "group": "ИС-23-1", "year": "2", "status": "active", "status_label": "Обучается",
           "funding": "Грант & стипендия"}
    drawn = Template(
        '{% for s in rows %}<tr><td><a href="{{ s.href }}">{{ s.name }}</a></td>'
        "<td>{{ s.iin }}</td><td>{{ s.group }}</td>\n<td>{{ s.year }}</td><td><span "
        'class="badge {{ s.status }}">{{ s.status_label }}</span></td><td>{{ s.funding }}'
        "</td></tr>\n{% endfor %}").render(Context({"rows": [row, {**row, "year": "1"}]}))
    assert str(student_rows([row, {**row, "year": "1"}])) == drawn
    assert "&lt;Айгуль&gt;" in drawn and "Грант &amp; стипендия" in drawn
