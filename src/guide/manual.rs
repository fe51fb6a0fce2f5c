//! The printed user manual's frame: the sections a user manual has under РД 50-34.698-90 (the
//! guidance public customers in Kazakhstan still follow for automated systems' documents) — an
//! introduction, purpose and conditions of use, preparation for work, the operations, emergencies,
//! advice on learning — in Russian, Kazakh and English. The guide's topics fill sections 2 to 5 by
//! their front matter (`manual: 4.2`); the introduction and the advice are the manual's own and
//! written here, once per language.

/// The sections a topic may be placed in (1 and 6 are the manual's own text).
pub const TOPIC_SECTIONS: [&str; 4] = ["2", "3", "4", "5"];

/// The manual's words in one language.
pub struct ManualText {
    pub title: &'static str,
    pub subtitle: &'static str,
    pub draft: &'static str,
    pub contents: &'static str,
    /// The six sections' headings, 1 to 6.
    pub sections: [&'static str; 6],
    /// Section 1's parts: (heading, paragraph).
    pub introduction: [(&'static str, &'static str); 4],
    /// Section 6's paragraph.
    pub advice: &'static str,
    /// The site's words: the language's name, "search", "the whole manual, to print", "back".
    pub language: &'static str,
    pub search: &'static str,
    pub search_hint: &'static str,
    pub nothing_found: &'static str,
    pub printable: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
}

const RU: ManualText = ManualText {
    title: "ЭКН — электронная карта надзора",
    subtitle: "Руководство пользователя",
    draft: "Проект. Составлено по разделам РД 50-34.698-90; подлежит согласованию с заказчиком.",
    contents: "Содержание",
    sections: [
        "Введение",
        "Назначение и условия применения",
        "Подготовка к работе",
        "Описание операций",
        "Аварийные ситуации",
        "Рекомендации по освоению",
    ],
    introduction: [
        (
            "Область применения",
            "ЭКН применяется в органах прокуратуры Республики Казахстан для надзора за проверками \
             субъектов предпринимательства, за рассмотрением обращений граждан и за исполнением актов \
             прокурорского реагирования: на рабочем месте прокурора, у руководителя подразделения и в офисе \
             прокуратуры области.",
        ),
        (
            "Краткое описание возможностей",
            "Карточка поднадзорного объекта сводит проверки, обращения и оценки риска; рабочий стол ведёт \
             процессуальные сроки с их основаниями; очередь обращений разбирает их по категориям, приоритету \
             и маршруту; аналитика показывает аномалии практики и темы надзора; акты составляются по \
             шаблонам Word, их исполнение и результаты отслеживаются; каждое действие записывается в \
             журнал, который можно проверить. Каждое автоматическое предложение объясняет, откуда оно, и \
             человек может отклонить его с причиной.",
        ),
        (
            "Уровень подготовки пользователя",
            "Пользователь — прокурор, руководитель подразделения или аналитик, владеющий компьютером на \
             уровне офисных программ. Специальной подготовки не требуется: раздел 3 проводит через первый \
             день работы, справка по F1 открывает тему для текущего экрана.",
        ),
        (
            "Перечень эксплуатационной документации",
            "Настоящее руководство; справка внутри программы (та же, по F1 и по ссылке из каждого сообщения \
             об ошибке); для администратора офиса — docs/OFFICE.md; для ответственного за персональные данные — \
             оценка воздействия (DPIA), положение об аналитических моделях и записка о сроках хранения \
             (docs/office/).",
        ),
    ],
    advice: "Начните с темы «Первый день с ЭКН» (раздел 3) на демонстрационной базе: она устроена как \
             рабочий офис, и на ней можно пробовать всё, ничего не испортив. Далее — по задачам вашего дня \
             из раздела 4. На любом экране клавиша F1 открывает тему о нём; поиск по справке понимает \
             русские и казахские слова в любой форме.",
    language: "Русский",
    search: "Поиск",
    search_hint: "Слова для поиска, например: продлить срок",
    nothing_found: "Ничего не найдено.",
    printable: "Руководство целиком (для печати)",
    previous: "Назад",
    next: "Далее",
};

const KK: ManualText = ManualText {
    title: "ЭКН — қадағалаудың электрондық картасы",
    subtitle: "Пайдаланушы нұсқаулығы",
    draft: "Жоба. РД 50-34.698-90 бөлімдері бойынша жасалды; тапсырыс берушімен келісуге жатады.",
    contents: "Мазмұны",
    sections: [
        "Кіріспе",
        "Мақсаты және қолдану шарттары",
        "Жұмысқа дайындық",
        "Операциялардың сипаттамасы",
        "Авариялық жағдайлар",
        "Меңгеру бойынша ұсынымдар",
    ],
    introduction: [
        (
            "Қолданылу саласы",
            "ЭКН Қазақстан Республикасы прокуратура органдарында кәсіпкерлік субъектілерін тексеруді, \
             азаматтардың өтініштерін қарауды және прокурорлық ден қою актілерінің орындалуын қадағалау \
             үшін қолданылады: прокурордың жұмыс орнында, бөлімше басшысында және облыс прокуратурасының \
             кеңсесінде.",
        ),
        (
            "Мүмкіндіктерінің қысқаша сипаттамасы",
            "Қадағаланатын нысанның карточкасы тексерулерді, өтініштерді және тәуекел бағаларын біріктіреді; \
             жұмыс үстелі іс жүргізу мерзімдерін негіздерімен жүргізеді; өтініштер кезегі оларды санат, \
             басымдық және бағыт бойынша талдайды; талдау тәжірибедегі ауытқуларды және қадағалау \
             тақырыптарын көрсетеді; актілер Word үлгілері бойынша жасалады, олардың орындалуы мен \
             нәтижелері бақыланады; әр әрекет тексеруге болатын журналға жазылады. Әрбір автоматты ұсыныс \
             өзінің қайдан шыққанын түсіндіреді, адам оны себебін көрсетіп қабылдамауы мүмкін.",
        ),
        (
            "Пайдаланушының дайындық деңгейі",
            "Пайдаланушы — компьютерді кеңсе бағдарламалары деңгейінде меңгерген прокурор, бөлімше басшысы \
             немесе талдаушы. Арнайы дайындық қажет емес: 3-бөлім жұмыстың алғашқы күнінен өткізеді, F1 \
             бойынша анықтама ағымдағы экран туралы тақырыпты ашады.",
        ),
        (
            "Пайдалану құжаттамасының тізбесі",
            "Осы нұсқаулық; бағдарлама ішіндегі анықтама (дәл сол, F1 бойынша және әр қате туралы \
             хабарламадағы сілтеме бойынша); кеңсе әкімшісіне — docs/OFFICE.md; дербес деректерге \
             жауаптыға — әсерді бағалау (DPIA), талдау модельдері туралы ереже және сақтау мерзімдері \
             туралы жазба (docs/office/).",
        ),
    ],
    advice: "«ЭКН-мен алғашқы күн» тақырыбынан (3-бөлім) демонстрациялық дерекқорда бастаңыз: ол жұмыс \
             істеп тұрған кеңсе сияқты құрылған, онда бәрін ештеңені бұзбай сынап көруге болады. Одан әрі — \
             4-бөлімнен күніңіздің міндеттері бойынша. Кез келген экранда F1 пернесі сол экран туралы \
             тақырыпты ашады; анықтама бойынша іздеу орыс және қазақ сөздерін кез келген тұлғада түсінеді.",
    language: "Қазақша",
    search: "Іздеу",
    search_hint: "Іздеу сөздері, мысалы: мерзімді ұзарту",
    nothing_found: "Ештеңе табылмады.",
    printable: "Нұсқаулық толығымен (басып шығару үшін)",
    previous: "Артқа",
    next: "Әрі қарай",
};

const EN: ManualText = ManualText {
    title: "ЭКН — the electronic supervision map",
    subtitle: "User manual",
    draft: "Draft. Laid out by the sections of РД 50-34.698-90; to be agreed with the customer.",
    contents: "Contents",
    sections: [
        "Introduction",
        "Purpose and conditions of use",
        "Preparing for work",
        "Operations",
        "Emergencies",
        "Advice on learning",
    ],
    introduction: [
        (
            "Scope",
            "ЭКН is used by the prosecutor's offices of the Republic of Kazakhstan to supervise inspections of \
             businesses, the consideration of citizens' appeals and the execution of acts of prosecutorial \
             response: at a prosecutor's workstation, by a unit's head, and at a regional office.",
        ),
        (
            "Capabilities in brief",
            "A supervised object's card joins its inspections, appeals and risk scores; the desk keeps \
             procedural deadlines with their grounds; the appeals queue sorts appeals by category, priority \
             and route; analytics shows practices that stand out and themes of supervision; acts are drafted \
             from Word templates and their execution and outcomes followed; every action is written to a \
             journal anyone can verify. Every automatic suggestion says where it comes from, and a person may \
             decline it with a reason.",
        ),
        (
            "The user's level of training",
            "A prosecutor, a unit's head or an analyst who uses a computer as for office programs. No special \
             training is needed: section 3 walks through the first day, and F1 opens the topic of the screen \
             in view.",
        ),
        (
            "Documents to read",
            "This manual; the help inside the program (the same text, by F1 and from every error message); for \
             the office's administrator, docs/OFFICE.md; for the data-protection officer, the DPIA, the \
             regulation on analytic models and the retention note (docs/office/).",
        ),
    ],
    advice: "Start with the topic \"First day with ЭКН\" (section 3) on the demo database: it is laid out as a \
             working office, and anything can be tried there without harm. Then take the tasks of your day \
             from section 4. On any screen F1 opens the topic about it; the guide's search understands \
             Russian and Kazakh words in any form.",
    language: "English",
    search: "Search",
    search_hint: "Words to search, e.g. extend a deadline",
    nothing_found: "Nothing found.",
    printable: "The whole manual (to print)",
    previous: "Previous",
    next: "Next",
};

/// The manual's words in `lang` (`ru`, `kk`, `en`; anything else reads English).
pub fn text(lang: &str) -> &'static ManualText {
    match lang {
        "ru" => &RU,
        "kk" => &KK,
        _ => &EN,
    }
}

/// A screenshot's caption (and its image's text for a screen reader), by its id (`guide::SHOTS`).
pub fn shot_name(lang: &str, id: &str) -> &'static str {
    const NAMES: [(&str, [&str; 3]); 15] = [
        ("desk", ["Рабочий стол прокурора", "Прокурордың жұмыс үстелі", "The prosecutor's desk"]),
        ("appeals", ["Очередь обращений", "Өтініштер кезегі", "The appeals queue"]),
        ("appeal", ["Карточка обращения", "Өтініш карточкасы", "An appeal's card"]),
        ("analytics", ["Аналитика: аномалия открыта", "Талдау: ауытқу ашық", "Analytics with an anomaly open"]),
        ("themes", ["Темы надзора", "Қадағалау тақырыптары", "Themes of supervision"]),
        ("theme", ["Карточка темы", "Тақырып карточкасы", "A theme's card"]),
        ("effect", ["Эффективность актов", "Актілердің тиімділігі", "Effectiveness of acts"]),
        ("search", ["Поиск", "Іздеу", "Search"]),
        ("dashboard", ["Контроль сроков", "Мерзімдерді бақылау", "The deadline dashboard"]),
        ("import", ["Импорт", "Импорт", "Import"]),
        (
            "settings",
            ["Настройки и паспорт модели", "Баптаулар және модель паспорты", "Settings with a model's passport"],
        ),
        ("card", ["Карточка объекта", "Нысан карточкасы", "An object's card"]),
        (
            "card-act",
            ["Карточка объекта: форма акта", "Нысан карточкасы: акт нысаны", "An object's card with the act form"],
        ),
        (
            "card-document",
            [
                "Карточка объекта: документ и его факты",
                "Нысан карточкасы: құжат және оның фактілері",
                "An object's card with a document and its facts",
            ],
        ),
        ("help", ["Справка по F1", "F1 бойынша анықтама", "Help by F1"]),
    ];
    let column = match lang {
        "ru" => 0,
        "kk" => 1,
        _ => 2,
    };
    NAMES.iter().find(|(shot, _)| *shot == id).map_or("", |(_, names)| names[column])
}
