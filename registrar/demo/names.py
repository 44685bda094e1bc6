"""Kazakh and Russian personal names for the demo data, with their Latin spellings.

Kazakh names come as (Kazakh, Russian, Latin) spellings, e.g. Нұрлан / Нурлан / Nurlan:
documents of a Kazakh student carry both Cyrillic spellings. Russian names are spelt the
same in Kazakh and Russian, so they come as (Cyrillic, Latin). Surnames are given in the
male form; `female_surname` derives the female one (Ахметов → Ахметова, Садовский →
Садовская, Шевченко → Шевченко). Patronymics: Kazakh "Серікұлы"/"Серікқызы" in the Kazakh
field and "Серикович"/"Сериковна" in the Russian one; Russian ones are listed explicitly
because they are irregular (Илья → Ильич, Дмитрий → Дмитриевич, Юрий → Юрьевич).
Pure data and pure functions, no database.
"""

from __future__ import annotations

import random

# (Kazakh, Russian, Latin)
KAZAKH_MALE: tuple[tuple[str, str, str], ...] = (
    ("Нұрлан", "Нурлан", "Nurlan"),
    ("Ерлан", "Ерлан", "Yerlan"),
    ("Асқар", "Аскар", "Askar"),
    ("Дәурен", "Даурен", "Dauren"),
    ("Бауыржан", "Бауыржан", "Bauyrzhan"),
    ("Жандос", "Жандос", "Zhandos"),
    ("Айбек", "Айбек", "Aibek"),
    ("Ерасыл", "Ерасыл", "Yerassyl"),
    ("Нұрсұлтан", "Нурсултан", "Nursultan"),
    ("Әлихан", "Алихан", "Alikhan"),
    ("Арман", "Арман", "Arman"),
    ("Ержан", "Ержан", "Yerzhan"),
    ("Мұхтар", "Мухтар", "Mukhtar"),
    ("Серік", "Серик", "Serik"),
    ("Қайрат", "Кайрат", "Kairat"),
    ("Ғалым", "Галым", "Galym"),
    ("Дамир", "Дамир", "Damir"),
    ("Тимур", "Тимур", "Timur"),
    ("Санжар", "Санжар", "Sanzhar"),
    ("Ислам", "Ислам", "Islam"),
    ("Әділет", "Адилет", "Adilet"),
    ("Бекзат", "Бекзат", "Bekzat"),
    ("Мейірлан", "Мейирлан", "Meirlan"),
    ("Нұрболат", "Нурболат", "Nurbolat"),
    ("Олжас", "Олжас", "Olzhas"),
    ("Руслан", "Руслан", "Ruslan"),
    ("Азамат", "Азамат", "Azamat"),
    ("Данияр", "Данияр", "Daniyar"),
    ("Ернар", "Ернар", "Yernar"),
    ("Абылай", "Абылай", "Abylai"),
    ("Әлішер", "Алишер", "Alisher"),
    ("Темірлан", "Темирлан", "Temirlan"),
    ("Бағдат", "Багдат", "Bagdat"),
    ("Жасұлан", "Жасулан", "Zhassulan"),
    ("Қуаныш", "Куаныш", "Kuanysh"),
    ("Ділшат", "Дильшат", "Dilshat"),
    ("Еркебұлан", "Еркебулан", "Yerkebulan"),
    ("Нұрдәулет", "Нурдаулет", "Nurdaulet"),
    ("Мирас", "Мирас", "Miras"),
    ("Айдос", "Айдос", "Aidos"),
    ("Ақжол", "Акжол", "Akzhol"),
    ("Рауан", "Рауан", "Rauan"),
    ("Болат", "Болат", "Bolat"),
    ("Марат", "Марат", "Marat"),
    ("Талғат", "Талгат", "Talgat"),
    ("Ерболат", "Ерболат", "Yerbolat"),
)

KAZAKH_FEMALE: tuple[tuple[str, str, str], ...] = (
    ("Айгерім", "Айгерим", "Aigerim"),
    ("Әсел", "Асель", "Assel"),
    ("Дана", "Дана", "Dana"),
    ("Жанар", "Жанар", "Zhanar"),
    ("Гүлназ", "Гульназ", "Gulnaz"),
    ("Мөлдір", "Молдир", "Moldir"),
    ("Аружан", "Аружан", "Aruzhan"),
    ("Динара", "Динара", "Dinara"),
    ("Сәуле", "Сауле", "Saule"),
    ("Назерке", "Назерке", "Nazerke"),
    ("Ақбота", "Акбота", "Akbota"),
    ("Балнұр", "Балнур", "Balnur"),
    ("Іңкәр", "Инкар", "Inkar"),
    ("Томирис", "Томирис", "Tomiris"),
    ("Жұлдыз", "Жулдыз", "Zhuldyz"),
    ("Қарлығаш", "Карлыгаш", "Karlygash"),
    ("Мадина", "Мадина", "Madina"),
    ("Аяулым", "Аяулым", "Ayaulym"),
    ("Гүлім", "Гулим", "Gulim"),
    ("Ақмарал", "Акмарал", "Akmaral"),
    ("Айым", "Айым", "Aiym"),
    ("Дариға", "Дарига", "Dariga"),
    ("Ләззат", "Ляззат", "Lyazzat"),
    ("Нұрай", "Нурай", "Nurai"),
    ("Әлия", "Алия", "Aliya"),
    ("Камила", "Камила", "Kamila"),
    ("Жансая", "Жансая", "Zhansaya"),
    ("Ұлпан", "Улпан", "Ulpan"),
    ("Салтанат", "Салтанат", "Saltanat"),
    ("Меруерт", "Меруерт", "Meruert"),
    ("Индира", "Индира", "Indira"),
    ("Айдана", "Айдана", "Aidana"),
    ("Анель", "Анель", "Anel"),
    ("Әсем", "Асем", "Assem"),
    ("Гүлнұр", "Гульнур", "Gulnur"),
    ("Ботагөз", "Ботагоз", "Botagoz"),
    ("Еркежан", "Еркежан", "Yerkezhan"),
    ("Зере", "Зере", "Zere"),
    ("Айша", "Айша", "Aisha"),
    ("Нұргүл", "Нургуль", "Nurgul"),
    ("Шынар", "Шынар", "Shynar"),
    ("Арайлым", "Арайлым", "Arailym"),
    ("Ажар", "Ажар", "Azhar"),
    ("Эльмира", "Эльмира", "Elmira"),
)

# Male forms; `female_surname` gives the female ones.
KAZAKH_SURNAMES: tuple[tuple[str, str, str], ...] = (
    ("Ахметов", "Ахметов", "Akhmetov"),
    ("Сейітов", "Сеитов", "Seitov"),
    ("Нұрланов", "Нурланов", "Nurlanov"),
    ("Әбенов", "Абенов", "Abenov"),
    ("Жұмабаев", "Жумабаев", "Zhumabayev"),
    ("Қасымов", "Касымов", "Kassymov"),
    ("Омаров", "Омаров", "Omarov"),
    ("Төлеуов", "Толеуов", "Toleuov"),
    ("Серікбаев", "Серикбаев", "Serikbayev"),
    ("Бекмұханбетов", "Бекмуханбетов", "Bekmukhanbetov"),
    ("Мұқанов", "Муканов", "Mukanov"),
    ("Оспанов", "Оспанов", "Ospanov"),
    ("Сұлтанов", "Султанов", "Sultanov"),
    ("Ержанов", "Ержанов", "Yerzhanov"),
    ("Әлиев", "Алиев", "Aliyev"),
    ("Байжанов", "Байжанов", "Baizhanov"),
    ("Темірбеков", "Темирбеков", "Temirbekov"),
    ("Құдайбергенов", "Кудайбергенов", "Kudaibergenov"),
    ("Ибраев", "Ибраев", "Ibrayev"),
    ("Жақсылықов", "Жаксылыков", "Zhaksylykov"),
    ("Исаев", "Исаев", "Issayev"),
    ("Смағұлов", "Смагулов", "Smagulov"),
    ("Тоқтаров", "Токтаров", "Toktarov"),
    ("Бейсенов", "Бейсенов", "Beissenov"),
    ("Абдрахманов", "Абдрахманов", "Abdrakhmanov"),
    ("Есімов", "Есимов", "Yessimov"),
    ("Мамыров", "Мамыров", "Mamyrov"),
    ("Рахымжанов", "Рахимжанов", "Rakhimzhanov"),
    ("Тұрсынов", "Турсынов", "Tursynov"),
    ("Байтұрсынов", "Байтурсынов", "Baitursynov"),
    ("Жүнісов", "Жунусов", "Zhunussov"),
    ("Қалиев", "Калиев", "Kaliyev"),
    ("Ғабдуллин", "Габдуллин", "Gabdullin"),
    ("Мұсин", "Мусин", "Mussin"),
    ("Сәрсенбаев", "Сарсенбаев", "Sarsenbayev"),
    ("Нұрпейісов", "Нурпеисов", "Nurpeissov"),
    ("Әуезов", "Ауэзов", "Auezov"),
    ("Дүйсенов", "Дуйсенов", "Duissenov"),
    ("Шәкенов", "Шакенов", "Shakenov"),
    ("Үсенов", "Усенов", "Ussenov"),
    ("Иманғалиев", "Имангалиев", "Imangaliyev"),
    ("Көшербаев", "Кушербаев", "Kusherbayev"),
    ("Өтебаев", "Утебаев", "Utebayev"),
    ("Бөкейханов", "Букейханов", "Bukeikhanov"),
    ("Жұмағұлов", "Жумагулов", "Zhumagulov"),
    ("Сағынтаев", "Сагинтаев", "Sagintayev"),
    ("Ақылбеков", "Акылбеков", "Akylbekov"),
    ("Мұратов", "Муратов", "Muratov"),
    ("Қожахметов", "Кожахметов", "Kozhakhmetov"),
    ("Тәжібаев", "Тажибаев", "Tazhibayev"),
    ("Әбілқасымов", "Абилкасымов", "Abilkassymov"),
    ("Бекболатов", "Бекболатов", "Bekbolatov"),
    ("Нұрғалиев", "Нургалиев", "Nurgaliyev"),
    ("Аманжолов", "Аманжолов", "Amanzholov"),
    ("Ысқақов", "Искаков", "Iskakov"),
    ("Хасенов", "Хасенов", "Khassenov"),
    ("Елеусізов", "Елеусизов", "Yeleussizov"),
    ("Жанұзақов", "Жанузаков", "Zhanuzakov"),
    ("Мәкенов", "Макенов", "Makenov"),
    ("Оразбаев", "Оразбаев", "Orazbayev"),
    ("Қонысбаев", "Конысбаев", "Konysbayev"),
    ("Сапаров", "Сапаров", "Saparov"),
    ("Бағланов", "Багланов", "Baglanov"),
    ("Ілиясов", "Ильясов", "Ilyassov"),
)

# (Cyrillic, Latin, patronymic of a son, patronymic of a daughter)
RUSSIAN_MALE: tuple[tuple[str, str, str, str], ...] = (
    ("Александр", "Aleksandr", "Александрович", "Александровна"),
    ("Дмитрий", "Dmitry", "Дмитриевич", "Дмитриевна"),
    ("Максим", "Maksim", "Максимович", "Максимовна"),
    ("Сергей", "Sergey", "Сергеевич", "Сергеевна"),
    ("Андрей", "Andrey", "Андреевич", "Андреевна"),
    ("Алексей", "Aleksey", "Алексеевич", "Алексеевна"),
    ("Артём", "Artyom", "Артёмович", "Артёмовна"),
    ("Илья", "Ilya", "Ильич", "Ильинична"),
    ("Кирилл", "Kirill", "Кириллович", "Кирилловна"),
    ("Михаил", "Mikhail", "Михайлович", "Михайловна"),
    ("Никита", "Nikita", "Никитич", "Никитична"),
    ("Матвей", "Matvey", "Матвеевич", "Матвеевна"),
    ("Роман", "Roman", "Романович", "Романовна"),
    ("Егор", "Yegor", "Егорович", "Егоровна"),
    ("Арсений", "Arseny", "Арсеньевич", "Арсеньевна"),
    ("Иван", "Ivan", "Иванович", "Ивановна"),
    ("Денис", "Denis", "Денисович", "Денисовна"),
    ("Евгений", "Yevgeny", "Евгеньевич", "Евгеньевна"),
    ("Даниил", "Daniil", "Даниилович", "Данииловна"),
    ("Тимофей", "Timofey", "Тимофеевич", "Тимофеевна"),
    ("Владислав", "Vladislav", "Владиславович", "Владиславовна"),
    ("Игорь", "Igor", "Игоревич", "Игоревна"),
    ("Владимир", "Vladimir", "Владимирович", "Владимировна"),
    ("Павел", "Pavel", "Павлович", "Павловна"),
    ("Николай", "Nikolay", "Николаевич", "Николаевна"),
    ("Олег", "Oleg", "Олегович", "Олеговна"),
    ("Виктор", "Viktor", "Викторович", "Викторовна"),
    ("Антон", "Anton", "Антонович", "Антоновна"),
    ("Георгий", "Georgy", "Георгиевич", "Георгиевна"),
    ("Вадим", "Vadim", "Вадимович", "Вадимовна"),
    ("Константин", "Konstantin", "Константинович", "Константиновна"),
    ("Юрий", "Yury", "Юрьевич", "Юрьевна"),
    ("Станислав", "Stanislav", "Станиславович", "Станиславовна"),
    ("Григорий", "Grigory", "Григорьевич", "Григорьевна"),
    ("Вячеслав", "Vyacheslav", "Вячеславович", "Вячеславовна"),
    ("Фёдор", "Fyodor", "Фёдорович", "Фёдоровна"),
    ("Глеб", "Gleb", "Глебович", "Глебовна"),
    ("Василий", "Vasily", "Васильевич", "Васильевна"),
    ("Виталий", "Vitaly", "Витальевич", "Витальевна"),
    ("Леонид", "Leonid", "Леонидович", "Леонидовна"),
    ("Ярослав", "Yaroslav", "Ярославович", "Ярославовна"),
    ("Лев", "Lev", "Львович", "Львовна"),
)

# (Cyrillic, Latin)
RUSSIAN_FEMALE: tuple[tuple[str, str], ...] = (
    ("Анастасия", "Anastasia"),
    ("Мария", "Maria"),
    ("Анна", "Anna"),
    ("Виктория", "Viktoria"),
    ("Екатерина", "Yekaterina"),
    ("Дарья", "Darya"),
    ("Полина", "Polina"),
    ("Алина", "Alina"),
    ("Ксения", "Kseniya"),
    ("Елизавета", "Yelizaveta"),
    ("Александра", "Aleksandra"),
    ("Софья", "Sofya"),
    ("Валерия", "Valeriya"),
    ("Ольга", "Olga"),
    ("Татьяна", "Tatyana"),
    ("Юлия", "Yuliya"),
    ("Ирина", "Irina"),
    ("Наталья", "Natalya"),
    ("Елена", "Yelena"),
    ("Светлана", "Svetlana"),
    ("Кристина", "Kristina"),
    ("Вероника", "Veronika"),
    ("Арина", "Arina"),
    ("Ульяна", "Ulyana"),
    ("Варвара", "Varvara"),
    ("Милана", "Milana"),
    ("Диана", "Diana"),
    ("Маргарита", "Margarita"),
    ("Яна", "Yana"),
    ("Евгения", "Yevgeniya"),
    ("Надежда", "Nadezhda"),
    ("Любовь", "Lyubov"),
    ("Вера", "Vera"),
    ("Людмила", "Lyudmila"),
    ("Галина", "Galina"),
    ("Оксана", "Oksana"),
    ("Марина", "Marina"),
    ("Алёна", "Alyona"),
    ("Ангелина", "Angelina"),
    ("Василиса", "Vasilisa"),
    ("Таисия", "Taisiya"),
    ("Ева", "Yeva"),
)

# Male forms, (Cyrillic, Latin).
RUSSIAN_SURNAMES: tuple[tuple[str, str], ...] = (
    ("Иванов", "Ivanov"),
    ("Петров", "Petrov"),
    ("Смирнов", "Smirnov"),
    ("Кузнецов", "Kuznetsov"),
    ("Попов", "Popov"),
    ("Соколов", "Sokolov"),
    ("Лебедев", "Lebedev"),
    ("Козлов", "Kozlov"),
    ("Новиков", "Novikov"),
    ("Морозов", "Morozov"),
    ("Волков", "Volkov"),
    ("Соловьёв", "Solovyov"),
    ("Васильев", "Vasilyev"),
    ("Зайцев", "Zaitsev"),
    ("Павлов", "Pavlov"),
    ("Семёнов", "Semyonov"),
    ("Голубев", "Golubev"),
    ("Виноградов", "Vinogradov"),
    ("Богданов", "Bogdanov"),
    ("Воробьёв", "Vorobyov"),
    ("Фёдоров", "Fyodorov"),
    ("Михайлов", "Mikhailov"),
    ("Беляев", "Belyaev"),
    ("Тарасов", "Tarasov"),
    ("Белов", "Belov"),
    ("Комаров", "Komarov"),
    ("Орлов", "Orlov"),
    ("Киселёв", "Kiselyov"),
    ("Макаров", "Makarov"),
    ("Андреев", "Andreev"),
    ("Ковалёв", "Kovalyov"),
    ("Ильин", "Ilyin"),
    ("Гусев", "Gusev"),
    ("Титов", "Titov"),
    ("Кузьмин", "Kuzmin"),
    ("Кудрявцев", "Kudryavtsev"),
    ("Баранов", "Baranov"),
    ("Куликов", "Kulikov"),
    ("Алексеев", "Alekseev"),
    ("Степанов", "Stepanov"),
    ("Яковлев", "Yakovlev"),
    ("Сорокин", "Sorokin"),
    ("Сергеев", "Sergeev"),
    ("Романов", "Romanov"),
    ("Захаров", "Zakharov"),
    ("Борисов", "Borisov"),
    ("Королёв", "Korolyov"),
    ("Герасимов", "Gerasimov"),
    ("Пономарёв", "Ponomaryov"),
    ("Григорьев", "Grigoryev"),
    ("Лазарев", "Lazarev"),
    ("Медведев", "Medvedev"),
    ("Ершов", "Yershov"),
    ("Никитин", "Nikitin"),
    ("Соболев", "Sobolev"),
    ("Поляков", "Polyakov"),
    ("Цветков", "Tsvetkov"),
    ("Данилов", "Danilov"),
    ("Жуков", "Zhukov"),
    ("Фролов", "Frolov"),
    ("Журавлёв", "Zhuravlyov"),
    ("Николаев", "Nikolaev"),
    ("Крылов", "Krylov"),
    ("Осипов", "Osipov"),
    ("Садовский", "Sadovsky"),
    ("Шевченко", "Shevchenko"),
    ("Бондаренко", "Bondarenko"),
    ("Коваленко", "Kovalenko"),
)


def female_surname(cyrillic: str, latin: str) -> tuple[str, str]:
    """The female form of a male surname, in Cyrillic and Latin."""
    if cyrillic.endswith("ий"):
        return cyrillic[:-2] + "ая", latin[:-1] + "aya"  # Садовский → Садовская
    if cyrillic.endswith("о"):
        return cyrillic, latin  # Шевченко does not change
    return cyrillic + "а", latin + "a"  # Ахметов → Ахметова, Ильин → Ильина


def kazakh_patronymics(father_kk: str, father_ru: str, sex: str) -> tuple[str, str]:
    """(Kazakh, Russian) patronymic from a Kazakh father's name: Серікұлы / Серикович."""
    if sex == "male":
        kk = father_kk + "ұлы"
        ru = (father_ru[:-1] + "евич") if father_ru.endswith("й") else father_ru + "ович"
    else:
        kk = father_kk + "қызы"
        ru = (father_ru[:-1] + "евна") if father_ru.endswith("й") else father_ru + "овна"
    return kk, ru


def person(rng: random.Random, *, kazakh: bool, sex: str) -> dict[str, str]:
    """A random full name in the eight name fields of `PersonName`."""
    if kazakh:
        given = rng.choice(KAZAKH_MALE if sex == "male" else KAZAKH_FEMALE)
        father = rng.choice(KAZAKH_MALE)
        sur_kk, sur_ru, sur_en = rng.choice(KAZAKH_SURNAMES)
        if sex == "female":
            sur_kk, _ = female_surname(sur_kk, sur_en)
            sur_ru, sur_en = female_surname(sur_ru, sur_en)
        pat_kk, pat_ru = kazakh_patronymics(father[0], father[1], sex)
        return {
            "last_name_kk": sur_kk, "first_name_kk": given[0], "patronymic_kk": pat_kk,
            "last_name_ru": sur_ru, "first_name_ru": given[1], "patronymic_ru": pat_ru,
            "last_name_en": sur_en, "first_name_en": given[2],
        }
    if sex == "male":
        first_ru, first_en, _, _ = rng.choice(RUSSIAN_MALE)
    else:
        first_ru, first_en = rng.choice(RUSSIAN_FEMALE)
    father_ru = rng.choice(RUSSIAN_MALE)
    pat_ru = father_ru[2] if sex == "male" else father_ru[3]
    sur_ru, sur_en = rng.choice(RUSSIAN_SURNAMES)
    if sex == "female":
        sur_ru, sur_en = female_surname(sur_ru, sur_en)
    return {
        "last_name_kk": sur_ru, "first_name_kk": first_ru, "patronymic_kk": pat_ru,
        "last_name_ru": sur_ru, "first_name_ru": first_ru, "patronymic_ru": pat_ru,
        "last_name_en": sur_en, "first_name_en": first_en,
    }


def married_surname(rng: random.Random, *, kazakh: bool, current_ru: str) -> dict[str, str]:
    """A new (female) surname after marriage, as the `new_names` of a name-change order."""
    while True:
        if kazakh:
            kk, ru, en = rng.choice(KAZAKH_SURNAMES)
            kk, _ = female_surname(kk, en)
            ru, en = female_surname(ru, en)
        else:
            ru, en = female_surname(*rng.choice(RUSSIAN_SURNAMES))
            kk = ru
        if ru != current_ru:
            return {"last_name_kk": kk, "last_name_ru": ru, "last_name_en": en}
