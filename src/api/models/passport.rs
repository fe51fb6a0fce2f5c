//! The model passport's text in the three languages of the faces: one document per model version,
//! generated from its stored record — what it was trained on, how, how well on held-out data (with
//! the bias checks), what it is for and not for, its limits, how many decisions it has made and its
//! last re-test on newer data. Markdown, so it reads the same in the app, in a terminal, in an
//! evidence package and in docs/. The figures are the same in every language; only the words
//! change, so each sentence is written here three times side by side.

use std::fmt::Write as _;

use crate::analytics::classifier::TrainParams;
use crate::analytics::evaluate::Metrics;
use crate::analytics::risk::{RiskMetrics, RiskModel, RiskParams};
use crate::domain::journal::Entry;
use crate::domain::norms::Localized;
use crate::store::ModelRecord;

/// Writes a line in the passport's language: the Russian, Kazakh and English wordings side by side,
/// each a format string over the same variables in scope.
macro_rules! say {
    ($md:expr, $l:expr, $ru:literal, $kk:literal, $en:literal $(,)?) => {{
        let line = match $l {
            Lang::Ru => format!($ru),
            Lang::Kk => format!($kk),
            Lang::En => format!($en),
        };
        let _ = writeln!($md, "{line}");
    }};
}

/// Categories with fewer training texts than this are named as a limit.
const FEW_EXAMPLES: usize = 20;

/// The language a passport is being written in: the product's one language type.
pub(super) use crate::i18n::Lang;

/// The same document written in each language.
pub(super) fn in_every_language(write: impl Fn(Lang) -> String) -> Localized {
    Localized { ru: write(Lang::Ru), kk: write(Lang::Kk), en: write(Lang::En) }
}

/// What an appeals classifier's passport is made from.
pub(super) struct ClassifierFacts<'a> {
    pub record: &'a ModelRecord,
    pub metrics: &'a Metrics,
    pub params: &'a TrainParams,
    pub decisions: i64,
    pub last_check: Option<(String, Entry)>,
    pub generated_data: bool,
}

/// What a risk model's passport is made from.
pub(super) struct RiskFacts<'a> {
    pub record: &'a ModelRecord,
    pub metrics: &'a RiskMetrics,
    pub params: &'a RiskParams,
    pub model: &'a RiskModel,
    pub entries: i64,
    pub rows: i64,
    pub last_check: Option<(String, Entry)>,
    pub generated_data: bool,
}

/// "75 город Алматы" for a region code in the passport's language, the group as written otherwise
/// (a control body).
fn region_label(l: Lang, group: &str) -> String {
    match crate::domain::territory::REGIONS.iter().find(|r| r.code == group) {
        Some(r) => format!("{} {}", r.code, l.pick(r.name_ru, r.name_kk, r.name_en)),
        None => group.to_string(),
    }
}

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn auc_text(auc: Option<f64>) -> String {
    auc.map_or("—".to_string(), |a| format!("{a:.3}"))
}

fn title(l: Lang, name: &str) -> String {
    format!("# {}: {name}\n\n", l.pick("Паспорт модели", "Модель паспорты", "Model passport"))
}

fn heading(l: Lang, ru: &str, kk: &str, en: &str) -> String {
    format!("## {}\n\n", l.pick(ru, kk, en))
}

/// The appeals classifier's passport in one language.
pub(super) fn classifier(l: Lang, f: &ClassifierFacts<'_>) -> String {
    let (record, metrics) = (f.record, f.metrics);
    let mut md = title(l, &record.name);
    let (version, at, author, arrays) = (record.version, &record.created_at, &record.author, &record.arrays_sha256);
    say!(
        md,
        l,
        "Классификатор обращений, версия {version} — обучен {at}, автор {author}. SHA-256 массивов `{arrays}`.",
        "Өтініштер жіктеуіші, {version} нұсқа — {at} оқытылған, авторы {author}. Массивтердің SHA-256 `{arrays}`.",
        "Appeals classifier, version {version} — trained {at} by {author}. Arrays SHA-256 `{arrays}`."
    );
    md.push('\n');
    md += &heading(l, "Назначение", "Мақсаты", "Intended use");
    md += l.pick(
        "Предлагает категорию обращения гражданина, чтобы его можно было приоритизировать и направить. Предложение — \
         гипотеза: категория, зарегистрированная сотрудником, стоит выше неё, и любой может исправить её с указанием \
         причины (в журнале). Модель не оценивает обоснованность обращения, заявителя или объект; её нельзя \
         использовать для оценки граждан.\n\n",
        "Азаматтың өтінішіне санат ұсынады, сонда оны басымдыққа қойып, тиісті жерге жіберуге болады. Ұсыныс — \
         болжам: қызметкер тіркеген санат одан жоғары тұрады, және кез келген адам оны себебін көрсетіп түзете алады \
         (журналда). Модель өтініштің негізділігін, өтініш берушіні немесе объектіні бағаламайды; оны азаматтарды \
         бағалау үшін пайдалануға болмайды.\n\n",
        "Suggests the category of a citizen's appeal so that it can be prioritised and routed. The suggestion is a \
         hypothesis: the category registered by an officer stands over it, and any person may correct it with a \
         reason (journaled). It does not judge the appeal's merits, the applicant, or the object; it must not be \
         used to score citizens.\n\n",
    );
    md += &heading(l, "Данные", "Деректер", "Data");
    let _ = writeln!(md, "- {}: {}", l.pick("Файл", "Файл", "File"), record.data_file);
    let _ = writeln!(
        md,
        "- {}: `{}`",
        l.pick("SHA-256 данных", "Деректердің SHA-256", "SHA-256 of the data"),
        record.data_sha256
    );
    let (texts, train, test) = (record.texts, metrics.train_texts, metrics.test_texts);
    say!(
        md,
        l,
        "- Текстов: {texts} ({train} для обучения, {test} отложено для проверки, со стратификацией по категориям); персональные данные замаскированы до обучения",
        "- Мәтіндер: {texts} ({train} оқытуға, {test} тексеруге қалдырылған, санаттар бойынша стратификацияланған); дербес деректер оқытуға дейін бүркемеленген",
        "- Texts: {texts} ({train} for training, {test} held out, stratified by category); personal data masked before learning",
    );
    if f.generated_data {
        md += l.pick(
            "- **Данные сгенерированы** (демонстрационный набор): показатели на них ничего не говорят о настоящих обращениях.\n",
            "- **Деректер генерацияланған** (демо жиынтық): олардағы көрсеткіштер нақты өтініштер туралы ештеңе айтпайды.\n",
            "- **The data are generated** (the demo set): figures on them say nothing about real appeals.\n",
        );
    }
    md.push('\n');
    md += &heading(l, "Метод", "Әдіс", "Method");
    let c = record.c;
    let choice = if metrics.cv.is_empty() {
        match l {
            Lang::Ru => {
                format!("C = {c} задано (без кросс-валидации: указано одно значение C или данных слишком много)")
            }
            Lang::Kk => format!("C = {c} бекітілген (кросс-валидациясыз: бір ғана C берілген немесе деректер тым көп)"),
            Lang::En => format!("C = {c} fixed (no cross-validation: a single C was given, or the data were too many)"),
        }
    } else {
        let tried: Vec<String> = metrics.cv.iter().map(|(c, acc)| format!("C {c}: {acc:.3}")).collect();
        let (folds, tried) = (f.params.cv_folds, tried.join(", "));
        match l {
            Lang::Ru => format!("C = {c} выбрано {folds}-кратной кросс-валидацией на обучающей части ({tried})"),
            Lang::Kk => format!("C = {c} оқыту бөлігінде {folds} бүктемелі кросс-валидациямен таңдалған ({tried})"),
            Lang::En => format!("C = {c} chosen by {folds}-fold cross-validation on the training part ({tried})"),
        }
    };
    let (weight, temperature) = (record.char_weight, record.temperature);
    say!(
        md,
        l,
        "Нормализованный текст (остатки HTML удалены, нижний регистр, ё→е, цифры свёрнуты); словесные 1–2-граммы \
                 и символьные 2–5-граммы внутри слов (без стеммера, поэтому одинаково для русского и казахского), TF-IDF \
                 с сублинейной частотой терминов, каждый блок нормирован, символьный блок с весом {weight}; линейный SVM \
                 «один против всех» (L2-потери, двойственный координатный спуск) со сбалансированными весами классов; \
                 {choice}; вероятности — softmax с температурой {temperature:.3}, подобранной на отложенной части.",
        "Қалыпқа келтірілген мәтін (HTML қалдықтары алынған, кіші әріп, ё→е, цифрлар біріктірілген); сөз \
                 1–2-грамдары және сөз ішіндегі таңба 2–5-грамдары (стеммерсіз, сондықтан орыс және қазақ тілдеріне \
                 бірдей), термин жиілігі сублинейлік TF-IDF, әр блок нормаланған, таңба блогының салмағы {weight}; \
                 теңгерілген класс салмақтарымен «біреуі бәріне қарсы» сызықтық SVM (L2 шығыны, қос координаттық түсу); \
                 {choice}; ықтималдықтар — тексеру бөлігінде таңдалған {temperature:.3} температуралы softmax.",
        "Normalised text (HTML remnants removed, lower case, ё→е, digits folded); word 1–2-grams and character \
                 2–5-grams inside words (no stemmer, so Russian and Kazakh alike), TF-IDF with sublinear term frequency, \
                 each block normalised, the character block weighted {weight}; one-vs-rest linear SVM (L2 loss, dual \
                 coordinate descent) with balanced class weights; {choice}; probabilities by a softmax with temperature \
                 {temperature:.3} fitted on the held-out part.",
    );
    md.push('\n');
    md += &heading(l, "Показатели на отложенной выборке", "Тексеру іріктемесіндегі көрсеткіштер", "Held-out figures");
    let _ = writeln!(
        md,
        "{} **{:.3}**, macro-F1 **{:.3}**.\n",
        l.pick("Доля верных ответов", "Дұрыс жауаптар үлесі", "Accuracy"),
        metrics.accuracy,
        metrics.macro_f1
    );
    md += l.pick(
        "| Категория | Точность | Полнота | F1 | Отложено | Обучающих текстов |\n",
        "| Санат | Нақтылық | Толықтық | F1 | Қалдырылған | Оқыту мәтіндері |\n",
        "| Category | Precision | Recall | F1 | Held out | Training texts |\n",
    );
    md += "|---|---|---|---|---|---|\n";
    for c in &metrics.per_class {
        let _ = writeln!(
            md,
            "| {} | {:.3} | {:.3} | {:.3} | {} | {} |",
            c.category, c.precision, c.recall, c.f1, c.support, c.examples
        );
    }
    md.push('\n');
    md += &heading(
        l,
        "Проверка на смещение: доля верных ответов по регионам",
        "Ығысуды тексеру: өңірлер бойынша дұрыс жауаптар үлесі",
        "Bias check: accuracy by region",
    );
    if metrics.by_group.is_empty() {
        md += l.pick(
            "В обучающем файле не указан регион (столбец `kato` или `region`), поэтому показателей по регионам нет.\n",
            "Оқыту файлында өңір көрсетілмеген (`kato` немесе `region` бағаны), сондықтан өңірлер бойынша көрсеткіштер жоқ.\n",
            "The training file named no region (a `kato` or `region` column), so no figures by region exist.\n",
        );
    } else {
        md += l.pick(
            "| Регион | Отложено текстов | Доля верных ответов |\n",
            "| Өңір | Қалдырылған мәтіндер | Дұрыс жауаптар үлесі |\n",
            "| Region | Held-out texts | Accuracy |\n",
        );
        md += "|---|---|---|\n";
        for g in &metrics.by_group {
            let _ = writeln!(md, "| {} | {} | {:.3} |", region_label(l, &g.group), g.texts, g.accuracy);
        }
        let worst = metrics.by_group.iter().filter(|g| g.texts >= 10).min_by(|a, b| a.accuracy.total_cmp(&b.accuracy));
        if let Some(w) = worst {
            let (region, lowest, overall) = (region_label(l, &w.group), w.accuracy, metrics.accuracy);
            md.push('\n');
            say!(
                md,
                l,
                "Ниже всего среди регионов с 10 и более отложенными текстами: {region} — {lowest:.3} (в целом {overall:.3}).",
                "Тексеруге 10 не одан көп мәтін қалдырылған өңірлердің ең төмені: {region} — {lowest:.3} (жалпы {overall:.3}).",
                "Lowest among regions with 10 or more held-out texts: {region} at {lowest:.3} (overall {overall:.3}).",
            );
        }
    }
    md.push('\n');
    md += &heading(l, "Ограничения", "Шектеулер", "Limits");
    let few: Vec<String> = metrics
        .per_class
        .iter()
        .filter(|c| c.examples < FEW_EXAMPLES)
        .map(|c| format!("{} ({})", c.category, c.examples))
        .collect();
    if !few.is_empty() {
        let few = few.join(", ");
        say!(
            md,
            l,
            "- Категории, где меньше {FEW_EXAMPLES} обучающих текстов: {few}.",
            "- Оқыту мәтіндері аз (< {FEW_EXAMPLES}) санаттар: {few}.",
            "- Categories with fewer than {FEW_EXAMPLES} training texts: {few}."
        );
    }
    if !metrics.unmeasured.is_empty() {
        let unmeasured = metrics.unmeasured.join(", ");
        say!(
            md,
            l,
            "- Обучена, но не измерена (слишком мало текстов, чтобы отложить): {unmeasured}.",
            "- Оқытылған, бірақ өлшенбеген (тексеруге қалдыруға мәтін тым аз): {unmeasured}.",
            "- Trained on but not measured (too few to hold one out): {unmeasured}."
        );
    }
    md += l.pick(
        "- Модель знает только категории своего обучающего файла, в его обозначениях; новый вид жалобы получит \
         ближайшую известную категорию с низкой уверенностью.\n\
         - Её показатели верны для текстов, похожих на обучающие; изменение того, как пишут или регистрируют \
         обращения, требует новой версии и нового паспорта.\n\
         - Объяснения называют n-граммы с наибольшим весом; они показывают, чем пользовалась модель, а не почему \
         обращение относится к категории.\n",
        "- Модель тек өз оқыту файлының санаттарын, сол файлдағы атауларымен біледі; шағымның жаңа түрі ең жақын \
         белгілі санатты төмен сенімділікпен алады.\n\
         - Оның көрсеткіштері оқыту мәтіндеріне ұқсас мәтіндер үшін ғана дұрыс; өтініштерді жазу немесе тіркеу тәсілі \
         өзгерсе, жаңа нұсқа мен жаңа паспорт қажет.\n\
         - Түсіндірмелер ең салмақты n-грамдарды атайды; олар модельдің неге сүйенгенін көрсетеді, өтініштің санатқа \
         неге жататынын емес.\n",
        "- It knows only the categories of its training file, in its labels; a new kind of complaint gets the \
         nearest known category with low confidence.\n\
         - Its figures hold for texts like its training texts; a change in how appeals are written or registered \
         calls for a new version and a new passport.\n\
         - Explanations name the n-grams that weighed most; they show what the model used, not why the appeal \
         belongs to the category.\n",
    );
    md.push('\n');
    md += &heading(l, "Использование", "Қолданылуы", "Use so far");
    let decisions = f.decisions;
    say!(
        md,
        l,
        "Решений о категории, записанных этой версией: {decisions}; каждое хранит дайджест входных данных и своё объяснение.",
        "Осы нұсқамен жазылған санат шешімдері: {decisions}; әрқайсысы кіріс деректерінің дайджесі мен өз түсіндірмесін сақтайды.",
        "{decisions} category decision(s) recorded with this version; every one stores the inputs' digest and its explanation.",
    );
    md.push('\n');
    md += &last_check_heading(l);
    match &f.last_check {
        Some((
            at,
            Entry::ModelChecked {
                data_file, data_sha256, texts, accuracy, macro_f1, per_class, unknown_labels, ..
            },
        )) => {
            let (now, then, f1_then) = (accuracy * 100.0, metrics.accuracy * 100.0, metrics.macro_f1);
            say!(
                md,
                l,
                "{at}: размеченных текстов {texts} из {data_file} (SHA-256 `{data_sha256}`): доля верных ответов {now:.1}% (на отложенной выборке при регистрации {then:.1}%), macro-F1 {macro_f1:.3} (тогда {f1_then:.3}).",
                "{at}: {data_file} файлынан белгіленген {texts} мәтін (SHA-256 `{data_sha256}`): дұрыс жауаптар үлесі {now:.1}% (тіркелген кезде тексеру іріктемесінде {then:.1}%), macro-F1 {macro_f1:.3} (сол кезде {f1_then:.3}).",
                "{at}: {texts} labelled texts from {data_file} (SHA-256 `{data_sha256}`): accuracy {now:.1}% (held out when registered {then:.1}%), macro-F1 {macro_f1:.3} (then {f1_then:.3}).",
            );
            for (category, n, f1, then) in per_class.iter().take(3) {
                let then = then.map_or_else(
                    || l.pick("не измерялась", "өлшенбеген", "not measured").to_string(),
                    |t| format!("{t:.3}"),
                );
                say!(
                    md,
                    l,
                    "- {category}: F1 {f1:.3} на {n} текстах (тогда {then})",
                    "- {category}: {n} мәтінде F1 {f1:.3} (сол кезде {then})",
                    "- {category}: F1 {f1:.3} on {n} texts (then {then})"
                );
            }
            if !unknown_labels.is_empty() {
                let names: Vec<String> = unknown_labels.iter().map(|(l, n)| format!("{l} ({n})")).collect();
                let _ = writeln!(
                    md,
                    "- {}: {}",
                    l.pick(
                        "категории, которых модель не знает",
                        "модель білмейтін санаттар",
                        "categories the model does not know"
                    ),
                    names.join(", ")
                );
            }
        }
        _ => {
            md += l.pick(
                "С момента регистрации не перепроверялась (`ekn models check NAME --on FILE`).\n",
                "Тіркелгеннен бері қайта тексерілмеген (`ekn models check NAME --on FILE`).\n",
                "Not re-tested since it was registered (`ekn models check NAME --on FILE`).\n",
            )
        }
    }
    md
}

fn last_check_heading(l: Lang) -> String {
    heading(l, "Последняя проверка на новых данных", "Жаңа деректердегі соңғы тексеру", "Last check on newer data")
}

/// The risk model's passport in one language.
pub(super) fn risk(l: Lang, f: &RiskFacts<'_>) -> String {
    let (record, m, model) = (f.record, f.metrics, f.model);
    let mut md = title(l, &record.name);
    let (target, version, at, author, arrays) =
        (m.target.code(), record.version, &record.created_at, &record.author, &record.arrays_sha256);
    say!(
        md,
        l,
        "Локальная модель риска (`{target}`), версия {version} — обучена {at}, автор {author}. SHA-256 массивов `{arrays}`.",
        "Жергілікті тәуекел моделі (`{target}`), {version} нұсқа — {at} оқытылған, авторы {author}. Массивтердің SHA-256 `{arrays}`.",
        "Local risk model (`{target}`), version {version} — trained {at} by {author}. Arrays SHA-256 `{arrays}`.",
    );
    md.push('\n');
    md += &heading(l, "Назначение", "Мақсаты", "Intended use");
    md += l.pick(
        "Ранжирует предстоящие проверки (план или только что зарегистрированные внеплановые) по вероятности нарушения, \
         чтобы прокурор сначала смотрел туда, где проверка нужнее всего, и объясняет каждую оценку (вклады признаков, \
         похожие прошлые случаи, что проверить). Её выводы — гипотезы и приоритеты для проверки процессуальными \
         средствами, никогда не вывод о нарушении; они касаются организаций и практики контролирующих органов, никогда \
         не граждан, и не составляют чёрных списков. Любую оценку человек может переопределить с указанием причины (в \
         журнале).\n\n",
        "Алдағы тексерулерді (жоспарды немесе жаңа тіркелген жоспардан тыс тексерулерді) заң бұзушылық ықтималдығы \
         бойынша реттейді, прокурор алдымен тексеру ең қажет жерге қарасын деп, және әр бағаны түсіндіреді (белгілердің \
         үлесі, ұқсас бұрынғы жағдайлар, нені тексеру керек). Оның нәтижелері — іс жүргізу құралдарымен тексерілетін \
         болжамдар мен басымдықтар, ешқашан заң бұзушылық туралы тұжырым емес; олар ұйымдар мен бақылау органдарының \
         тәжірибесіне қатысты, ешқашан азаматтарға емес, және қара тізім жасамайды. Кез келген бағаны адам себебін \
         көрсетіп өзгерте алады (журналда).\n\n",
        "Ranks upcoming inspections (a plan, or unplanned ones just registered) by how likely they are to go wrong, so \
         that a prosecutor looks first where a check is most likely needed, and explains each estimate (contributions, \
         similar past cases, what to check). Its outputs are hypotheses and priorities to verify by procedural means, \
         never a finding; they concern organisations and the practices of control bodies, never citizens, and make no \
         black list. A person may override any estimate with a reason (journaled).\n\n",
    );
    md += &heading(l, "Данные", "Деректер", "Data");
    let _ = writeln!(md, "- {}", record.data_file);
    let _ = writeln!(
        md,
        "- {}: `{}`",
        l.pick("SHA-256 использованных импортов", "Пайдаланылған импорттардың SHA-256", "SHA-256 of the imports used"),
        record.data_sha256
    );
    if f.generated_data {
        md += l.pick(
            "- **Данные сгенерированы** (демонстрационный набор): показатели на них ничего не говорят о настоящих проверках.\n",
            "- **Деректер генерацияланған** (демо жиынтық): олардағы көрсеткіштер нақты тексерулер туралы ештеңе айтпайды.\n",
            "- **The data are generated** (the demo set): figures on them say nothing about real inspections.\n",
        );
    }
    let (known, train, test) = (record.texts, m.train_inspections, m.test_inspections);
    let ((t0, t1), (h0, h1)) = (&m.train_period, &m.test_period);
    say!(
        md,
        l,
        "- Проверок с известным исходом: {known} — обучение на {train} ({t0} – {t1}), отложены самые поздние {test} ({h0} – {h1})",
        "- Нәтижесі белгілі тексерулер: {known} — {train} тексеруде оқытылған ({t0} – {t1}), ең соңғы {test} тексеру қалдырылған ({h0} – {h1})",
        "- Inspections with a known outcome: {known} — trained on {train} ({t0} – {t1}), held out the most recent {test} ({h0} – {h1})",
    );
    md.push('\n');
    md += &heading(l, "Метод", "Әдіс", "Method");
    let numbers = model.numeric.iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join(", ");
    let categories = model.categorical.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ");
    let (min, c) = (f.params.min_level_count, f.params.c);
    let grid = if f.params.c_grid.is_empty() {
        String::new()
    } else {
        let grid = &f.params.c_grid;
        match l {
            Lang::Ru => format!(", выбрано из {grid:?} на последней пятой части обучающих данных"),
            Lang::Kk => format!(", оқыту бөлігінің соңғы бестен бірінде {grid:?} ішінен таңдалған"),
            Lang::En => format!(", chosen from {grid:?} on the most recent fifth of the training part"),
        }
    };
    say!(
        md,
        l,
        "Признаки, известные до исхода проверки, построены проигрыванием реестра в порядке дат (проверка \
                 никогда не видит себя и свой день): числовые — {numbers}; категориальные (one-hot, значения, \
                 встреченные реже {min} раз, объединены в «прочее») — {categories}. Столбцы исхода (обжалована, \
                 признана незаконной) никогда не входят в признаки. Логистическая регрессия со штрафом L2 (C = \
                 {c}{grid}), подобранная методом Ньютона; числа стандартизованы на обучающей части. Каждый прогноз \
                 точно раскладывается на вклады признаков в логарифм шансов относительно средней проверки.",
        "Тексеру нәтижесіне дейін белгілі белгілер тізілімді күн ретімен қайта ойнату арқылы құрылған \
                 (тексеру өзін де, өз күнін де ешқашан көрмейді): сандық — {numbers}; санаттық (one-hot, {min} \
                 реттен сирек кездескен мәндер «басқа» болып біріктірілген) — {categories}. Нәтиже бағандары \
                 (шағымданылған, заңсыз деп танылған) ешқашан белгі болмайды. L2 айыппұлы бар логистикалық регрессия \
                 (C = {c}{grid}), Ньютон әдісімен бапталған; сандар оқыту бөлігінде стандартталған. Әр болжам орташа \
                 тексеруге қатысты мүмкіндіктер логарифміне белгілердің үлестері болып дәл жіктеледі.",
        "Features known before an inspection's outcome, built by replaying the registry in date order (an \
                 inspection never sees itself or its own day): numbers — {numbers}; categories (one-hot, levels seen \
                 fewer than {min} times pooled as \"other\") — {categories}. The outcome columns (appealed, declared \
                 illegal) are never inputs. Logistic regression with L2 penalty (C = {c}{grid}), fitted by Newton's \
                 method; numbers standardised on the training part. Every prediction splits exactly into per-feature \
                 contributions to the log-odds against the average inspection."
    );
    md += &heading(
        l,
        "Показатели на отложенной выборке (разбиение по времени)",
        "Тексеру іріктемесіндегі көрсеткіштер (уақыт бойынша бөлу)",
        "Held-out figures (time split)",
    );
    let (auc, brier, constant, calibration) = (auc_text(m.auc), m.brier, m.brier_of_base_rate, m.calibration_error);
    let (base_train, base_test) = (percent(m.base_rate_train), percent(m.base_rate_test));
    say!(
        md,
        l,
        "AUC **{auc}**, оценка Брайера **{brier:.4}** (константа на уровне базовой частоты даёт {constant:.4}), ошибка калибровки {calibration:.4}; базовая частота {base_train} в обучении, {base_test} на отложенной выборке.",
        "AUC **{auc}**, Брайер бағасы **{brier:.4}** (базалық жиілік деңгейіндегі тұрақты шама {constant:.4} береді), калибрлеу қатесі {calibration:.4}; базалық жиілік оқытуда {base_train}, тексеру іріктемесінде {base_test}.",
        "AUC **{auc}**, Brier score **{brier:.4}** (a constant at the base rate scores {constant:.4}), calibration error {calibration:.4}; base rate {base_train} in training, {base_test} held out.",
    );
    md.push('\n');
    md += l.pick(
        "### Калибровка\n\n| Прогноз | Проверок | Средний прогноз | Наблюдалось |\n",
        "### Калибрлеу\n\n| Болжам | Тексерулер | Орташа болжам | Байқалған |\n",
        "### Calibration\n\n| Predicted | Inspections | Mean predicted | Observed |\n",
    );
    md += "|---|---|---|---|\n";
    for b in &m.calibration {
        let _ = writeln!(
            md,
            "| {:.0}–{:.0}% | {} | {} | {} |",
            b.from * 100.0,
            b.to * 100.0,
            b.inspections,
            percent(b.mean_predicted),
            percent(b.observed_rate)
        );
    }
    let bias = [
        (
            l.pick("Проверка на смещение: по регионам", "Ығысуды тексеру: өңірлер бойынша", "Bias check: by region"),
            &m.by_region,
        ),
        (
            l.pick(
                "Проверка на смещение: по контролирующим органам",
                "Ығысуды тексеру: бақылау органдары бойынша",
                "Bias check: by control body",
            ),
            &m.by_control_body,
        ),
    ];
    for (title, groups) in bias {
        let _ = writeln!(md, "\n### {title}\n");
        if groups.is_empty() {
            md += l.pick(
                "Ни в одной группе нет 30 и более отложенных проверок.\n",
                "Ешбір топта тексеруге қалдырылған 30 не одан көп тексеру жоқ.\n",
                "No group had 30 or more held-out inspections.\n",
            );
            continue;
        }
        md += l.pick(
            "| Группа | Отложено | Средний прогноз | Наблюдалось | AUC |\n",
            "| Топ | Қалдырылған | Орташа болжам | Байқалған | AUC |\n",
            "| Group | Held out | Mean predicted | Observed | AUC |\n",
        );
        md += "|---|---|---|---|---|\n";
        for g in groups.iter().take(25) {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                region_label(l, &g.group),
                g.inspections,
                percent(g.mean_predicted),
                percent(g.observed_rate),
                auc_text(g.auc)
            );
        }
    }
    md.push('\n');
    md += &heading(l, "Ограничения", "Шектеулер", "Limits");
    md += l.pick(
        "- Модель выучивает прошлое реестра: изменившаяся практика (новый руководитель органа, новый закон) попадёт в \
         неё только в следующей версии.\n\
         - Орган, район или отрасль, не встречавшиеся в обучении, получают среднее значение признака («прочее»), что \
         сказано во вкладах.\n\
         - Исходы, ещё не известные (проверки, которые ещё можно обжаловать), исключены из обучения; поэтому самый \
         недавний период весит меньше.\n\
         - Вклады показывают, чем пользовалась модель, а не почему проверка была бы незаконной.\n",
        "- Модель тізілімнің өткенін үйренеді: өзгерген тәжірибе (органның жаңа басшысы, жаңа заң) оған тек келесі \
         нұсқада кіреді.\n\
         - Оқытуда кездеспеген орган, аудан немесе сала белгінің орташа мәнін («басқа») алады, бұл үлестерде айтылады.\n\
         - Әлі белгісіз нәтижелер (әлі шағымдануға болатын тексерулер) оқытудан алынып тасталған; сондықтан ең соңғы \
         кезеңнің салмағы аз.\n\
         - Үлестер модельдің неге сүйенгенін көрсетеді, тексерудің неге заңсыз болатынын емес.\n",
        "- It learns the registry's past: a practice that changed (a new head of a body, a new law) is not in it until \
         the next version.\n\
         - A body, district or industry unseen in training gets the average of its feature (\"other\"), said so in \
         the contributions.\n\
         - Outcomes not yet known (inspections still open to appeal) are left out of training; a very recent period \
         therefore weighs less.\n\
         - Contributions show what the model used, not why an inspection would be unlawful.\n",
    );
    if !m.converged {
        md += l.pick(
            "- Подбор остановился до сходимости (предел итераций): относитесь к показателям осторожно.\n",
            "- Баптау жинақталуға дейін тоқтады (итерация шегі): көрсеткіштерге сақтықпен қараңыз.\n",
            "- The fit stopped before converging (iteration limit): treat the figures with caution.\n",
        );
    }
    md.push('\n');
    md += &heading(l, "Использование", "Қолданылуы", "Use so far");
    let (entries, rows) = (f.entries, f.rows);
    say!(
        md,
        l,
        "Запусков прогноза этой версией в журнале: {entries}, прогнозов всего: {rows}.",
        "Осы нұсқаның журналдағы болжам іске қосылулары: {entries}, барлық болжамдар: {rows}.",
        "{entries} journaled prediction run(s) with this version, {rows} prediction(s) in all."
    );
    md.push('\n');
    md += &last_check_heading(l);
    match &f.last_check {
        Some((
            at,
            Entry::RiskModelChecked {
                period,
                inspections,
                auc,
                auc_then,
                brier,
                brier_then,
                observed_rate,
                mean_predicted,
                drifted,
                ..
            },
        )) => {
            let (from, to, auc, auc_then) = (&period.0, &period.1, auc_text(*auc), auc_text(*auc_then));
            let (observed, predicted) = (percent(*observed_rate), percent(*mean_predicted));
            let verdict = if *drifted {
                l.pick("дрейф: переобучите модель", "дрейф: модельді қайта оқытыңыз", "drifted: retrain it")
            } else {
                l.pick("в пределах разброса", "шашырау шегінде", "within the spread")
            };
            say!(
                md,
                l,
                "{at}: проверок {inspections} с {from} по {to}: AUC {auc} (при регистрации {auc_then}), Брайер {brier:.4} (при регистрации {brier_then:.4}), признано незаконными {observed} при прогнозе {predicted} — {verdict}.",
                "{at}: {from} – {to} аралығындағы {inspections} тексеру: AUC {auc} (тіркелгенде {auc_then}), Брайер {brier:.4} (тіркелгенде {brier_then:.4}), заңсыз деп танылғаны {observed}, болжам {predicted} — {verdict}.",
                "{at}: {inspections} inspections from {from} to {to}: AUC {auc} (registered {auc_then}), Brier {brier:.4} (registered {brier_then:.4}), declared illegal {observed} against {predicted} predicted — {verdict}.",
            );
        }
        _ => {
            md += l.pick(
                "Ещё не перепроверялась (`ekn models check NAME`, когда импортированы более новые проверки).\n",
                "Әлі қайта тексерілмеген (жаңа тексерулер импортталғаннан кейін `ekn models check NAME`).\n",
                "Not re-tested yet (`ekn models check NAME` once newer inspections are imported).\n",
            )
        }
    }
    md
}
