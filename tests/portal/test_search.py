"""Student search (§1): a name in any script and any case, the IIN or its beginning, the group;
within the user's scope; the search key kept right on every write path."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from registrar.contingent.choices import OrderType
from registrar.contingent.services import add_item, apply_order, approve_order, create_order
from registrar.people import search
from registrar.people.models import Student
from registrar.people.selectors import search_page, search_students
from tests import factories

pytestmark = pytest.mark.django_db


def names(queryset) -> set[str]:
    return {s.last_name_ru for s in queryset}


@pytest.fixture
def w():
    w = SimpleNamespace()
    w.fac_a, w.fac_b = factories.faculty(), factories.faculty()
    w.prog_a, w.prog_b = factories.programme(w.fac_a), factories.programme(w.fac_b)
    w.group = factories.group(w.prog_a)
    w.group.name = "ИС-23-1"
    w.group.save()
    w.aigul = factories.student(
        w.prog_a, last_name_ru="Серикова", first_name_ru="Айгуль", patronymic_ru="Маратовна",
        last_name_kk="Серікова", first_name_kk="Айгүл", patronymic_kk="Маратқызы",
        last_name_en="Serikova", first_name_en="Aigul", gender="female",
        birth_date=dt.date(2004, 5, 3))
    w.nurlan = factories.student(
        w.prog_a, last_name_ru="Жумабаев", first_name_ru="Нурлан", last_name_kk="Жұмабаев",
        first_name_kk="Нұрлан", last_name_en="", first_name_en="", patronymic_ru="")
    w.semyon = factories.student(
        w.prog_a, last_name_ru="Иванова-Петрова", first_name_ru="Алёна", last_name_kk="",
        first_name_kk="", last_name_en="Ivanova-Petrova", first_name_en="Alyona",
        gender="female")
    w.far = factories.student(
        w.prog_b, last_name_ru="Серикбаев", first_name_ru="Айбек", last_name_kk="Серікбаев",
        first_name_kk="Айбек", last_name_en="Serikbayev", first_name_en="Aibek")
    Student.objects.filter(pk=w.aigul.pk).update(group=w.group, status="active")
    w.aigul.refresh_from_db()
    w.registrar = factories.registrar()
    w.dean_a = factories.dean(w.fac_a)
    return w


def find(text: str) -> set[str]:
    return names(search_students(Student.objects.all(), text))


# --- Normalisation --------------------------------------------------------------------------

def test_normalise_folds_case_yo_kazakh_letters_and_latin_diacritics():
    assert search.normalise("АЙГҮЛ") == "айгул"
    assert search.normalise("Нұрлан Әлихан Қайрат Ғалым Өмір Ұлан Үміт Һ Іңкәр") == (
        "нурлан алихан кайрат галым омир улан умит х инкар")
    assert search.normalise("Семён Йошкин") == "семен йошкин"
    assert search.normalise("Şükür Ärlan Iñkär") == "sukur arlan inkar"
    assert search.words("O'Neil  Иванова-Петрова, CS-23-1") == ["oneil", "иванова-петрова",
                                                                 "cs-23-1"]


def test_key_has_every_script_parts_of_hyphenated_names_transliteration_iin_and_group():
    key = search.key_from_values(["Жандос", "Иванова-Петрова", "Хасенов"], "050314500123",
                                 "CS-23-1")
    words = key.split()
    assert key.startswith(" ") and key.endswith(" ")
    for word in ("жандос", "иванова-петрова", "иванова", "петрова", "zhandos", "khasenov",
                 "050314500123", "cs-23-1"):
        assert word in words


def test_the_fields_of_the_key_are_the_name_fields_of_the_model():
    assert tuple(search.NAME_FIELDS) == tuple(Student.NAME_FIELDS)


# --- Queries --------------------------------------------------------------------------------

def test_lower_case_cyrillic_finds_a_capitalised_name(w):
    assert find("айгуль") == {"Серикова"}
    assert find("АЙГУЛЬ") == {"Серикова"}
    assert find("сери") == {"Серикова", "Серикбаев"}


def test_kazakh_and_russian_spellings_find_each_other(w):
    assert find("нұрлан") == {"Жумабаев"}  # stored: ru Нурлан, kk Нұрлан
    assert find("жұмаб") == {"Жумабаев"}
    assert find("айгүл") == {"Серикова"}
    assert find("серік") == {"Серикова", "Серикбаев"}


def test_latin_names_and_a_transliteration_of_cyrillic_ones(w):
    assert find("Serikova") == {"Серикова"}
    assert find("aig") == {"Серикова"}
    assert find("zhumab") == {"Жумабаев"}  # no Latin name stored: the transliteration
    assert find("nurlan") == {"Жумабаев"}


def test_yo_hyphenated_surnames_and_several_words(w):
    assert find("алена") == {"Иванова-Петрова"}
    assert find("Алёна") == {"Иванова-Петрова"}
    assert find("петрова") == {"Иванова-Петрова"}
    assert find("айгуль серикова") == {"Серикова"}
    assert find("серикова айгуль") == {"Серикова"}
    assert find("айгуль жумабаев") == set()
    assert find("айгульх") == set()
    assert find("  ") == {"Серикова", "Жумабаев", "Иванова-Петрова", "Серикбаев"}


def test_iin_exact_and_prefix(w):
    assert find(w.aigul.iin) == {"Серикова"}
    assert find(w.aigul.iin[:6]) == {"Серикова"}  # 040503: the only one born on that day
    assert find("9") == set()


def test_group_name_in_any_case_and_with_a_name(w):
    assert find("ис-23-1") == {"Серикова"}
    assert find("ИС-23") == {"Серикова"}
    assert find("ис-23 айг") == {"Серикова"}


def test_like_wildcards_are_mere_separators(w):
    everyone = {"Серикова", "Жумабаев", "Иванова-Петрова", "Серикбаев"}
    assert find("%") == find("_") == everyone  # no words: no condition
    assert find("%айг_") == {"Серикова"}
    assert search.query_terms("a%b_c") == ["a", "b", "c"]


def test_pages_of_fifty_in_name_order(w):
    prog = factories.programme(w.fac_a)
    for n in range(60):
        factories.student(prog, last_name_ru=f"Абаев{n:02d}", first_name_ru="Тест")
    page = search_page(Student.objects.all(), "абаев", 1)
    assert page.paginator.count == 60 and len(page.object_list) == 50
    assert page.object_list[0]["last_name_ru"] == "Абаев00"
    assert len(search_page(Student.objects.all(), "абаев", 2).object_list) == 10


# --- The page -------------------------------------------------------------------------------

def test_dean_of_one_faculty_does_not_find_students_of_another(client, w):
    client.force_login(w.dean_a)
    response = client.get(reverse("portal:student_list"), {"q": "сери"})
    assert [s["pk"] for s in response.context["page"]] == [w.aigul.pk]
    response = client.get(reverse("portal:student_list"), {"q": w.far.iin})
    assert list(response.context["page"]) == []
    assert client.get(reverse("portal:student_detail", args=[w.far.pk])).status_code == 404
    client.force_login(w.registrar)
    response = client.get(reverse("portal:student_list"), {"q": "сери"})
    assert {s["pk"] for s in response.context["page"]} == {w.aigul.pk, w.far.pk}


def test_typing_asks_for_the_results_only(client, w):
    client.force_login(w.registrar)
    response = client.get(reverse("portal:student_list"), {"q": "айгуль"},
                          HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert reverse("portal:student_detail", args=[w.aigul.pk]) in html
    assert "Жумабаев" not in html
    full = client.get(reverse("portal:student_list"), {"q": "айгуль"}).content.decode()
    assert "<html" in full and 'hx-get="' in full


def test_a_student_finds_only_themself(client, w):
    account = factories.user()
    Student.objects.filter(pk=w.nurlan.pk).update(user=account)
    client.force_login(account)
    response = client.get(reverse("portal:student_list"), {"q": "сери"})
    assert list(response.context["page"]) == []


# --- The key on every write path ------------------------------------------------------------

def test_save_and_update_fields_refresh_the_key(w):
    w.nurlan.first_name_ru = "Ерлан"
    w.nurlan.save(update_fields=["first_name_ru"])
    assert find("ерлан") == {"Жумабаев"}
    w.nurlan.email = "x@example.com"
    w.nurlan.save(update_fields=["email"])
    assert find("ерлан") == {"Жумабаев"}


def test_bulk_create_fills_the_key(w):
    made = Student.objects.bulk_create([Student(
        iin=factories.valid_iin(), birth_date=dt.date(2005, 3, 14), gender="male",
        programme=w.prog_a, group=w.group, last_name_ru="Оспанов", first_name_ru="Дәурен")])
    assert made[0].search_key.split()[:2] == ["оспанов", "даурен"]
    assert find("ospanov") == {"Оспанов"}
    assert find("ис-23 оспан") == {"Оспанов"}


def test_queryset_update_and_a_group_rename_refresh_the_key(w):
    other = factories.group(w.prog_a)
    Student.objects.filter(pk=w.nurlan.pk).update(group=other, status="active")
    assert find(other.name) == {"Жумабаев"}
    other.name = "ВТ-24-2"
    other.save()
    assert find("вт-24") == {"Жумабаев"}
    assert find(f"{other.pk}") == set()


def test_orders_applied_in_bulk_refresh_the_key(w):
    """Applying an order updates the students in bulk: the new group and a new surname are
    searchable at once (§9)."""
    registrar = w.registrar
    group = factories.group(w.prog_a)
    day = dt.date(2025, 8, 20)
    order = create_order(by=registrar, order_type=OrderType.ENROLMENT, faculty=w.fac_a)
    add_item(order, by=registrar, student=w.nurlan, effective_date=day, to_group=group,
             to_funding="paid")
    apply_order(approve_order(order, by=registrar, signed_on=day), by=registrar)
    assert find(group.name.lower()) == {"Жумабаев"}
    rename = create_order(by=registrar, order_type=OrderType.NAME_CHANGE, faculty=w.fac_a)
    add_item(rename, by=registrar, student=w.nurlan, effective_date=dt.date(2025, 9, 1),
             new_names={"last_name_ru": "Ахметов", "last_name_kk": "Ахметов"},
             basis="marriage certificate")
    apply_order(approve_order(rename, by=registrar, signed_on=dt.date(2025, 9, 1)),
                by=registrar)
    assert find("ахмет") == {"Ахметов"}
    assert find("жумаб") == set()


def test_the_data_migration_fills_existing_rows(w):
    Student.objects.update(search_key="")
    assert find("айгуль") == set()
    migration = importlib.import_module("registrar.people.migrations.0003_fill_student_search_key")
    migration.fill(apps, SimpleNamespace(connection=connection))
    assert find("айгуль") == {"Серикова"}
    assert find("ис-23") == {"Серикова"}


def test_the_import_fills_the_key(w):
    from registrar.people.imports import COLUMNS, import_students

    values = {
        "iin": factories.valid_iin(), "last_name_ru": "Тулегенов", "first_name_ru": "Ерасыл",
        "patronymic_ru": "", "last_name_kk": "Төлегенов", "first_name_kk": "Ерасыл",
        "patronymic_kk": "", "last_name_en": "Tulegenov", "first_name_en": "Yerassyl",
        "birth_date": "2005-03-14", "gender": "male", "citizenship": "KZ", "funding": "paid",
        "programme_code": w.prog_a.code, "email": "", "phone": "",
    }
    content = (",".join(COLUMNS) + "\n" + ",".join(values[c] for c in COLUMNS) + "\n").encode()
    import_students(by=w.registrar, file_name="applicants.csv", content=content)
    assert find("төлег") == find("тулег") == find("yerass") == {"Тулегенов"}


def test_every_student_of_the_demo_university_has_the_right_key():
    from registrar.demo import builder

    builder.build(students=120, seed=11)
    students = list(Student.objects.select_related("group"))
    assert len(students) == 120
    assert all(s.search_key and s.search_key == search.key_for(s) for s in students)
    assert any(s.group_id and f" {search.words(s.group.name)[0]} " in s.search_key
               for s in students)
