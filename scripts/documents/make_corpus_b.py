#!/usr/bin/env python3
"""The second documents corpus (issue 61): written from scratch, sharing no template, phrase or
renderer with make_corpus.py, and never used to tune the reader — only to measure it.

Where make_corpus.py writes one paragraph a line through python-docx and LibreOffice, this one lays
documents out as offices do: bilingual letterheads as borderless tables (Kazakh left, Russian right),
the date and number in a table cell beside the addressee, the number before or after the title word
or on the date line, dates in words in both languages, amounts with tiyn and МРП beside tenge,
numbers the document cites but does not own (the act that assigned a check, the protocol a
resolution rests on, «Ваш исх. №»). Born-digital PDFs come from Chromium printing HTML; scans from
pdftoppm; photos are skewed 2–5°, washed out, shadowed, stamped and signed over, saved as JPEG at
quality 40–60; and a PDF whose page is a picture carries an invisible text layer of mojibake (cp1251
bytes read as cp1252, as some scanners' PDFs do), which a reader must not take as text.

Every document is first written as lines with the layout marks of scripts/documents/heldout/README.md
(`| a | b |` a table row, ` // ` a line break in a cell, `>> ` flush right), so the hand-written
held-out documents go through the same renderer: `--texts DIR`.

Usage: make_corpus_b.py OUT_DIR [--count N] [--seed S] [--renditions docx,pdf,scan300,photo200,mojibake]
       make_corpus_b.py OUT_DIR --texts scripts/documents/heldout
Output: NAME.docx, NAME.pdf, NAME.scan300.png, NAME.photo200.jpg, NAME.mojibake.pdf, NAME.truth.json
(and NAME.txt, the lines rendered). Measure with `ekn docs measure OUT_DIR --misses`.
Needs: python-docx, pypdf, Pillow, numpy; chromium and pdftoppm on the PATH.
"""
import argparse
import html
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta

# ----------------------------------------------------------------------------------------------
# Words and numbers, both languages
# ----------------------------------------------------------------------------------------------

RU_MONTHS_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                 "октября", "ноября", "декабря"]
KK_MONTHS = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан",
             "қараша", "желтоқсан"]
# The locative-attributive form («12 наурыздағы»), for a date that qualifies a noun.
KK_MONTHS_ATTR = ["қаңтардағы", "ақпандағы", "наурыздағы", "сәуірдегі", "мамырдағы", "маусымдағы", "шілдедегі",
                  "тамыздағы", "қыркүйектегі", "қазандағы", "қарашадағы", "желтоқсандағы"]

RU_ONES = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять", "десять",
           "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
           "семнадцать", "восемнадцать", "девятнадцать"]
RU_TENS = {2: "двадцать", 3: "тридцать", 4: "сорок", 5: "пятьдесят", 6: "шестьдесят", 7: "семьдесят",
           8: "восемьдесят", 9: "девяносто"}
RU_HUNDREDS = {1: "сто", 2: "двести", 3: "триста", 4: "четыреста", 5: "пятьсот", 6: "шестьсот", 7: "семьсот",
               8: "восемьсот", 9: "девятьсот"}
KK_ONES = ["нөл", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"]
KK_TENS = {1: "он", 2: "жиырма", 3: "отыз", 4: "қырық", 5: "елу", 6: "алпыс", 7: "жетпіс", 8: "сексен", 9: "тоқсан"}


def ru_triplet(n, female):
    words = []
    if n >= 100:
        words.append(RU_HUNDREDS[n // 100])
        n %= 100
    if n >= 20:
        words.append(RU_TENS[n // 10])
        n %= 10
    if n:
        word = RU_ONES[n]
        if female and n in (1, 2):
            word = {1: "одна", 2: "две"}[n]
        words.append(word)
    return words


def ru_plural(n, one, few, many):
    if n % 10 == 1 and n % 100 != 11:
        return one
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return few
    return many


def ru_number_words(n):
    """Russian cardinal words of n (below a billion)."""
    if n == 0:
        return "ноль"
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    words = []
    if millions:
        words += ru_triplet(millions, False) + [ru_plural(millions, "миллион", "миллиона", "миллионов")]
    if thousands:
        words += ru_triplet(thousands, True) + [ru_plural(thousands, "тысяча", "тысячи", "тысяч")]
    words += ru_triplet(units, False)
    return " ".join(words)


def kk_triplet(n):
    words = []
    if n >= 100:
        if n // 100 > 1:
            words.append(KK_ONES[n // 100])
        words.append("жүз")
        n %= 100
    if n >= 10:
        words.append(KK_TENS[n // 10])
        n %= 10
    if n:
        words.append(KK_ONES[n])
    return words


def kk_number_words(n):
    """Kazakh cardinal words of n (below a billion)."""
    if n == 0:
        return "нөл"
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    words = []
    if millions:
        words += kk_triplet(millions) + ["миллион"]
    if thousands:
        words += (kk_triplet(thousands) if thousands > 1 else ["бір"]) + ["мың"]
    words += kk_triplet(units)
    return " ".join(words)


def grouped(n):
    """12 340 000, with a no-break space as offices' editors put it (or a plain one)."""
    return f"{n:,}".replace(",", " ")


def bin_check(d11):
    """The BIN/IIN control digit: two weight rounds, the second when the first gives 10."""
    s = sum(d * w for d, w in zip(d11, range(1, 12))) % 11
    if s == 10:
        s = sum(d * w for d, w in zip(d11, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])) % 11
        if s == 10:
            return None
    return s


def new_bin(rng):
    while True:
        digits = [int(c) for c in f"{rng.randint(3, 24):02d}{rng.randint(1, 12):02d}"]
        digits += [rng.choice([4, 5, 6]), rng.randint(0, 3)] + [rng.randint(0, 9) for _ in range(5)]
        check = bin_check(digits)
        if check is not None:
            return "".join(map(str, digits)) + str(check)


# ----------------------------------------------------------------------------------------------
# The world the documents speak of
# ----------------------------------------------------------------------------------------------

# (Russian name, Kazakh name, city ru, city kk) — prosecutor's offices.
PROSECUTORS = [
    ("Прокуратура Акмолинской области", "Ақмола облысының прокуратурасы", "Кокшетау", "Көкшетау"),
    ("Прокуратура Костанайской области", "Қостанай облысының прокуратурасы", "Костанай", "Қостанай"),
    ("Прокуратура города Шымкент", "Шымкент қаласының прокуратурасы", "Шымкент", "Шымкент"),
    ("Прокуратура Мангистауской области", "Маңғыстау облысының прокуратурасы", "Актау", "Ақтау"),
    ("Прокуратура Енбекшиказахского района", "Еңбекшіқазақ ауданының прокуратурасы", "Есик", "Есік"),
    ("Прокуратура города Экибастуз", "Екібастұз қаласының прокуратурасы", "Экибастуз", "Екібастұз"),
]
# (Russian, Kazakh, the code its violations come under, its dative «руководителю …» in both)
BODIES = [
    ("Департамент государственных доходов по Костанайской области", "Қостанай облысы бойынша мемлекеттік кірістер департаменті",
     "НК", "Руководителю Департамента государственных доходов по Костанайской области",
     "Қостанай облысы бойынша мемлекеттік кірістер департаментінің басшысына"),
    ("Департамент экологии по Мангистауской области", "Маңғыстау облысы бойынша экология департаменті",
     "ЭК", "Руководителю Департамента экологии по Мангистауской области",
     "Маңғыстау облысы бойынша экология департаментінің басшысына"),
    ("Управление государственной инспекции труда Акмолинской области", "Ақмола облысының мемлекеттік еңбек инспекциясы басқармасы",
     "ТК", "Начальнику Управления государственной инспекции труда Акмолинской области",
     "Ақмола облысының мемлекеттік еңбек инспекциясы басқармасының басшысына"),
    ("Управление земельных отношений города Шымкент", "Шымкент қаласының жер қатынастары басқармасы",
     "ЗК", "Руководителю Управления земельных отношений города Шымкент",
     "Шымкент қаласының жер қатынастары басқармасының басшысына"),
    ("Департамент санитарно-эпидемиологического контроля Павлодарской области",
     "Павлодар облысының санитариялық-эпидемиологиялық бақылау департаменті",
     "ПК", "Руководителю Департамента санитарно-эпидемиологического контроля Павлодарской области",
     "Павлодар облысының санитариялық-эпидемиологиялық бақылау департаментінің басшысына"),
]
FIRMS = [("ТОО «Көктем Жол»", "«Көктем Жол» ЖШС"), ("ТОО «Сапа Нан»", "«Сапа Нан» ЖШС"),
         ("АО «Ертіс Энерго»", "«Ертіс Энерго» АҚ"), ("ТОО «Dala Trans Logistics»", "«Dala Trans Logistics» ЖШС"),
         ("ТОО «Шығыс Құрылыс Групп»", "«Шығыс Құрылыс Групп» ЖШС"), ("КГП «Су Арнасы»", "«Су Арнасы» КМК")]
# (code, how Russian writes it in the genitive, how Kazakh writes it in the genitive)
CODE_NAMES = {
    "КоАП": (["КоАП РК", "Кодекса Республики Казахстан об административных правонарушениях", "КоАП"],
             ["ӘҚБтК", "Әкімшілік құқық бұзушылық туралы кодекстің", "ҚР ӘҚБтК"]),
    "НК": (["Налогового кодекса Республики Казахстан", "Налогового кодекса"], ["Салық кодексінің", "ҚР Салық кодексінің"]),
    "ЭК": (["Экологического кодекса Республики Казахстан", "Экологического кодекса РК"], ["Экология кодексінің", "ҚР Экология кодексінің"]),
    "ТК": (["Трудового кодекса Республики Казахстан", "Трудового кодекса РК", "ТК РК"], ["Еңбек кодексінің", "ҚР Еңбек кодексінің"]),
    "ЗК": (["Земельного кодекса Республики Казахстан", "Земельного кодекса"], ["Жер кодексінің", "ҚР Жер кодексінің"]),
    "ПК": (["Предпринимательского кодекса Республики Казахстан", "Предпринимательского кодекса РК"],
           ["Кәсіпкерлік кодексінің", "ҚР Кәсіпкерлік кодексінің"]),
}
ADMIN_ARTICLES = {"НК": ("272", "1"), "ЭК": ("328", "2"), "ТК": ("87", "1"), "ЗК": ("356", "1"), "ПК": ("462", "1")}
MRP_2025 = 3932


def ru_date_words(d, rng):
    return rng.choice([f"«{d.day:02d}» {RU_MONTHS_GEN[d.month - 1]} {d.year} г.",
                       f"{d.day} {RU_MONTHS_GEN[d.month - 1]} {d.year} года",
                       f"«{d.day}» {RU_MONTHS_GEN[d.month - 1]} {d.year} года"])


def kk_date_words(d, rng):
    return rng.choice([f"{d.year} жылғы {d.day} {KK_MONTHS[d.month - 1]}",
                       f"{d.year} жылғы «{d.day:02d}» {KK_MONTHS[d.month - 1]}",
                       f"{d.year} ж. {d.day} {KK_MONTHS[d.month - 1]}"])


def date_digits(d, lang, rng):
    s = f"{d.day:02d}.{d.month:02d}.{d.year}"
    return s + rng.choice([" г.", " года", ""]) if lang == "ru" else s + rng.choice([" ж.", ""])


def kk_date_attr(d):
    return f"{d.year} жылғы {d.day} {KK_MONTHS_ATTR[d.month - 1]}"


def article_phrase(lang, code, art, part, item, rng, case="gen"):
    """An article as a sentence needs it: Russian «части 2 статьи 328 КоАП РК» (genitive), «по части 2
    статьи …» (dative), «предусмотрена частью 2 статьи …» (instrumental); Kazakh «ӘҚБтК-нің 328-бабының
    2-бөлігінің» (genitive), «… 2-бөлігі бойынша» (nominative), «… 2-бөлігінде көзделген» (locative)."""
    ru, kk = CODE_NAMES[code]
    if lang == "ru":
        lead = {"gen": ("части", "пункта", "статьи"), "dat": ("части", "пункту", "статье"),
                "ins": ("частью", "пунктом", "статьей")}[case]
        words = []
        if part:
            words.append(f"{lead[0]} {part}")
        if item:
            words.append(f"{lead[1] if not part else 'пункта'} {item}")
        words.append(f"{lead[2] if not (part or item) else 'статьи'} {art} {rng.choice(ru)}")
        return " ".join(words)
    name = rng.choice(kk)
    if name in ("ӘҚБтК", "ҚР ӘҚБтК"):
        name += "-нің"
    ends = {"gen": ("бабының", "бөлігінің", "тармағының"), "nom": ("бабы", "бөлігі", "тармағы"),
            "loc": ("бабында", "бөлігінде", "тармағында")}[case]
    parts = [(art, "бабы")] + ([(part, "бөлігі")] if part else []) + ([(item, "тармағы")] if item else [])
    words = []
    for k, (figure, noun) in enumerate(parts):
        last = k == len(parts) - 1
        index = {"бабы": 0, "бөлігі": 1, "тармағы": 2}[noun]
        words.append(f"{figure}-{ends[index] if last else ('бабының', 'бөлігінің', 'тармағының')[index]}")
    return f"{name} " + " ".join(words)


def number_shape(rng, prefix_ok=True):
    shape = rng.choice(["a", "b", "c", "d", "e"])
    if shape == "a":
        return f"{rng.randint(1, 9)}-{rng.randint(1, 30):02d}-25/{rng.randint(10, 9999)}"
    if shape == "b":
        return f"{rng.randint(1, 40):02d}-{rng.randint(1, 12)}/{rng.randint(100, 9999)}"
    if shape == "c":
        return str(rng.randint(3, 2999))
    if shape == "d":
        return f"{rng.randint(10, 99)}/{rng.randint(10, 999)}"
    return f"{rng.choice(['ЖТ', 'ДГД', 'ЭК', 'ТИ'])}-{rng.randint(1, 30):02d}-{rng.randint(100, 9999)}" if prefix_ok else str(rng.randint(10, 99))


# ----------------------------------------------------------------------------------------------
# Documents as lines with layout marks
# ----------------------------------------------------------------------------------------------

def letterhead(lang, ru_name, kk_name, rng, city=None):
    """A letterhead: bilingual table (Kazakh left, Russian right) or one language, capitals or not."""
    caps = rng.random() < 0.6
    cap = (lambda s: s.upper()) if caps else (lambda s: s)
    style = rng.choice(["table", "table", "single", "single-address"])
    if style == "table":
        rows = [f"| {cap(kk_name)} | {cap(ru_name)} |"]
        if rng.random() < 0.6 and city:
            rows.append(f"| {city[1]} қаласы, {rng.choice(['Абай', 'Бейбітшілік', 'Тәуелсіздік'])} көшесі, {rng.randint(1, 90)} | "
                        f"г. {city[0]}, ул. {rng.choice(['Абая', 'Бейбитшилик', 'Тауелсиздик'])}, {rng.randint(1, 90)} |")
        return rows, cap(ru_name if lang == "ru" else kk_name)
    name = ru_name if lang == "ru" else kk_name
    lines = [cap(name)]
    if style == "single-address" and city:
        lines.append(f"{city[0]}, тел. 8 (7{rng.randint(100, 299)}) {rng.randint(20, 79)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
                     if lang == "ru" else f"{city[1]} қ., тел. 8 (7{rng.randint(100, 299)}) {rng.randint(20, 79)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}")
    return lines, cap(name)


def sign_line(position, name, rng):
    return f"{position}{' ' * rng.randint(8, 40)}{name}"


def own_number_and_date(lang, title_lines, number, d, city, rng, table_cell_partner=None):
    """The document's own requisites in one of the shapes offices use; returns lines (title included)."""
    shape = rng.choice(["title-then-number", "number-before-title", "date-line", "cell", "words-line"])
    if table_cell_partner and shape != "cell":
        shape = "cell"
    dw = ru_date_words(d, rng) if lang == "ru" else kk_date_words(d, rng)
    dd = date_digits(d, lang, rng)
    place = (f"г. {city[0]}" if lang == "ru" else f"{city[1]} қаласы")
    sign = rng.choice(["№", "№", "No"])
    if shape == "title-then-number":
        return title_lines + [f"{sign} {number}", f"{place}{' ' * rng.randint(10, 50)}{dw}"]
    if shape == "number-before-title":
        head, *rest = title_lines
        return [f"{sign} {number} {head}"] + rest + [f"{dw}{' ' * rng.randint(10, 50)}{place}"]
    if shape == "date-line":
        return [f"{dd} {sign} {number}"] + title_lines
    if shape == "cell":
        partner = table_cell_partner or place
        return [f"| {dd} {sign} {number} | {partner} |"] + title_lines
    return title_lines + [f"{'от ' if lang == 'ru' else ''}{dw} {sign} {number}"]


def make_document(rng, lang, kind):
    """One document of `kind` in `lang`: (lines with layout marks, truth)."""
    office = rng.choice(PROSECUTORS)
    body = rng.choice(BODIES)
    firm_ru, firm_kk = rng.choice(FIRMS)
    firm = firm_ru if lang == "ru" else firm_kk
    bin_ = new_bin(rng)
    d = date(2025, 1, 1) + timedelta(days=rng.randint(0, 330))
    number = number_shape(rng)
    city = (office[2], office[3])
    code = body[2]
    violated = (rng.choice(["12", "48", "115", "182", "204"]), None, rng.choice([None, "2", "3"]))
    admin_art, admin_part = ADMIN_ARTICLES[code]
    truth = {"doc_type": kind, "lang": lang, "number": number, "date": d.isoformat(), "bins": [bin_],
             "articles": [], "amounts": [], "periods": []}

    def art(c, a, part=None, item=None, case="gen"):
        truth["articles"].append({"code": c, "article": a, "part": part, "item": item})
        return article_phrase(lang, c, a, part, item, rng, case)

    lines = []
    prosecutorial = kind in ("submission", "protest", "warning")
    if prosecutorial:
        head, issuer = letterhead(lang, office[0], office[1], rng, city)
        addressee = body[3] if lang == "ru" else body[4]
    elif kind == "answer":
        head, issuer = letterhead(lang, body[0], body[1], rng, city)
        addressee = (f"Прокурору {rng.choice(['области', 'города', 'района'])}" if lang == "ru"
                     else f"{rng.choice(['Облыс', 'Қала', 'Аудан'])} прокурорына")
    elif kind == "court_decision":
        issuer = (f"Специализированный межрайонный административный суд города {city[0]}" if lang == "ru"
                  else f"{city[1]} қаласының мамандандырылған ауданаралық әкімшілік соты")
        head, addressee = [], None
    else:
        head, issuer = letterhead(lang, body[0], body[1], rng, city)
        addressee = None
    truth["issuer"] = issuer
    if addressee:
        truth["addressee"] = addressee

    titles = {
        "ru": {"submission": ["ПРЕДСТАВЛЕНИЕ", "об устранении нарушений закона"],
               "protest": ["ПРОТЕСТ", "на незаконный правовой акт"],
               "warning": ["ПРЕДОСТЕРЕЖЕНИЕ", "о недопустимости нарушения закона"],
               "order": ["ПРЕДПИСАНИЕ", "об устранении выявленных нарушений"],
               "inspection_act": ["АКТ", "о результатах проверки"],
               "protocol": ["ПРОТОКОЛ", "об административном правонарушении"],
               "resolution": ["ПОСТАНОВЛЕНИЕ", "о наложении административного взыскания"],
               "court_decision": ["РЕШЕНИЕ", "ИМЕНЕМ РЕСПУБЛИКИ КАЗАХСТАН"]},
        "kk": {"submission": ["Заң бұзушылықтарды жою туралы", "ҰСЫНУ"],
               "protest": ["Заңсыз құқықтық актіге", "НАРАЗЫЛЫҚ"],
               "warning": ["Заң бұзушылыққа жол бермеу туралы", "ЕСКЕРТУ"],
               "order": ["Анықталған бұзушылықтарды жою туралы", "НҰСҚАМА"],
               "inspection_act": ["Тексеру нәтижелері туралы", "АКТ"],
               "protocol": ["Әкімшілік құқық бұзушылық туралы", "ХАТТАМА"],
               "resolution": ["Әкімшілік жаза қолдану туралы", "ҚАУЛЫ"],
               "court_decision": ["ШЕШІМ", "ҚАЗАҚСТАН РЕСПУБЛИКАСЫНЫҢ АТЫНАН"]},
    }[lang]
    lines += head

    if kind == "answer":
        reply_no, reply_d = number_shape(rng, prefix_ok=False), d - timedelta(days=rng.randint(8, 40))
        truth["in_reply_to_number"], truth["in_reply_to_date"] = reply_no, reply_d.isoformat()
        outcome = rng.choice(["satisfied", "partly", "rejected"])
        truth["outcome"] = outcome
        dd = date_digits(d, lang, rng)
        if lang == "ru":
            own = rng.choice([f"Исх. № {number} от {dd}", f"{dd} № {number}", f"№ {number} от {ru_date_words(d, rng)}"])
            reply = rng.choice([f"На № {reply_no} от {date_digits(reply_d, lang, rng)}",
                                f"на Ваш исх. № {reply_no} от {date_digits(reply_d, lang, rng)}",
                                f"На представление от {ru_date_words(reply_d, rng)} № {reply_no}"])
        else:
            own = rng.choice([f"Шығ. № {number}", f"{dd} № {number}", f"{kk_date_words(d, rng)} № {number}"])
            reply = rng.choice([f"Сіздің {kk_date_attr(reply_d)} № {reply_no} хатыңызға",
                                f"{kk_date_attr(reply_d)} № {reply_no} ұсынуға жауап",
                                f"{date_digits(reply_d, lang, rng)} № {reply_no}-ға"])
        if own.startswith("Шығ.") or own.startswith("Исх.") and "от" not in own:
            own_lines = [own, kk_date_words(d, rng) if lang == "kk" else ru_date_words(d, rng)]
        else:
            own_lines = [own]
        if rng.random() < 0.5:
            lines.append(f"| {own_lines[0]} // {reply} | {addressee} |")
            lines += own_lines[1:]
        else:
            lines += own_lines + [reply, f">> {addressee}"]
        amount = rng.randint(80, 9000) * 1000 + rng.choice([0, 0, 500])
        truth["amounts"].append({"tenge": amount, "tiyn": 0})
        period = rng.choice([(10, "working_days"), (30, "calendar_days"), (1, "months")])
        truth["periods"].append({"value": period[0], "unit": period[1]})
        if lang == "ru":
            lines.append(rng.choice(["Рассмотрев представление прокуратуры, сообщаем следующее.",
                                     "По результатам рассмотрения Вашего акта прокурорского надзора сообщаем."]))
            lines.append(f"Проверкой подтверждено, что {firm} (БИН {bin_}) допущено нарушение "
                         f"{art(code, violated[0], None, violated[2])}; ущерб составил {grouped(amount)} тенге.")
            lines.append({"satisfied": "Требования прокурора выполнены в полном объеме, представление удовлетворено.",
                          "partly": "Представление удовлетворено частично: нарушения устранены, в привлечении к дисциплинарной ответственности отказано.",
                          "rejected": "Изучив доводы, считаем их необоснованными, в удовлетворении отказано."}[outcome])
            lines.append({"working_days": f"Оставшиеся меры будут приняты в течение {period[0]} рабочих дней.",
                          "calendar_days": f"Денежные средства будут возвращены в бюджет в течение {period[0]} календарных дней.",
                          "months": "Исполнение будет завершено в течение одного месяца."}[period[1]])
            lines.append(sign_line("Руководитель", "Т. Ахметжанов", rng))
        else:
            lines.append(rng.choice(["Прокуратураның ұсынуын қарап, мынаны хабарлаймыз.",
                                     "Прокурорлық қадағалау актісін қарау нәтижелері бойынша хабарлаймыз."]))
            lines.append(f"Тексеру барысында {firm} (БСН {bin_}) {art(code, violated[0], None, violated[2])} талаптарын бұзғаны расталды, "
                         f"залал {grouped(amount)} теңгені құрады.")
            lines.append({"satisfied": "Прокурордың талаптары толық орындалды, ұсыну қанағаттандырылды.",
                          "partly": "Ұсыну ішінара қанағаттандырылды: бұзушылықтар жойылды, тәртіптік жауапкершілікке тарту туралы талап қолдау таппады.",
                          "rejected": "Дәлелдерді зерделеп, оларды негізсіз деп санаймыз, қанағаттандырудан бас тартылды."}[outcome])
            lines.append({"working_days": f"Қалған шаралар {period[0]} жұмыс күні ішінде қабылданады.",
                          "calendar_days": f"Қаражат {period[0]} күнтізбелік күн ішінде бюджетке қайтарылады.",
                          "months": "Орындау бір ай ішінде аяқталады."}[period[1]])
            lines.append(sign_line("Басшы", "Т. Ахметжанов", rng))
        return lines, truth

    if kind == "court_decision":
        place = f"город {city[0]}" if lang == "ru" else f"{city[1]} қаласы"
        when = ru_date_words(d, rng) if lang == "ru" else kk_date_words(d, rng)
        lines += [("Дело № " if lang == "ru" else "Іс № ") + number] + titles[kind] + [f"{when}{' ' * rng.randint(10, 50)}{place}"]
    else:
        lines += own_number_and_date(lang, titles[kind], number, d, city, rng,
                                     table_cell_partner=(addressee if prosecutorial and rng.random() < 0.4 else None))
    if addressee and not any(addressee in line for line in lines):
        lines.insert(len(head), f">> {addressee}")

    cite_no, cite_d = number_shape(rng, prefix_ok=False), d - timedelta(days=rng.randint(5, 30))
    amount_tenge = rng.choice([20, 50, 100, 200, 300, 700]) * MRP_2025
    tiyn = rng.choice([0, 0, 0, 50])
    if lang == "ru":
        if kind in ("inspection_act", "order"):
            lines.append(f"Проверка проведена на основании акта о назначении проверки № {cite_no} от "
                         f"{date_digits(cite_d, lang, rng)} в отношении {firm} (БИН {bin_}).")
            lines.append(f"Установлено нарушение требований {art(code, violated[0], None, violated[2])}.")
            n = rng.choice([5, 10, 15, 20])
            unit = rng.choice(["working_days", "calendar_days"])
            truth["periods"].append({"value": n, "unit": unit})
            genitive = {5: "пяти", 10: "десяти", 15: "пятнадцати", 20: "двадцати"}[n]
            lines.append(f"Нарушения устранить в течение {n} ({genitive}) "
                         f"{'рабочих' if unit == 'working_days' else 'календарных'} дней.")
            lines.append(sign_line("Государственный инспектор", "Н. Қалиев", rng))
        elif kind == "protocol":
            lines.append(f"Составлен в отношении {firm} (БИН {bin_}), юридический адрес: г. {city[0]}.")
            lines.append(f"Нарушены требования {art(code, violated[0], None, violated[2])}; ответственность "
                         f"предусмотрена {art('КоАП', admin_art, admin_part, case='ins')}.")
            lines.append(sign_line("Лицо, составившее протокол", "______________", rng))
        elif kind == "resolution":
            lines.append(f"Рассмотрев протокол № {cite_no} от {ru_date_words(cite_d, rng)} в отношении {firm} (БИН {bin_}),")
            lines.append("ПОСТАНОВИЛ:")
            truth["amounts"].append({"tenge": amount_tenge, "tiyn": tiyn})
            money = f"{grouped(amount_tenge)} тенге" + (f" {tiyn} тиын" if tiyn else "")
            lines.append(f"Признать виновным по {art('КоАП', admin_art, admin_part, case='dat')} и наложить штраф "
                         f"{amount_tenge // MRP_2025} МРП в сумме {money} ({ru_number_words(amount_tenge)} тенге"
                         f"{f' {tiyn} тиын' if tiyn else ''}).")
            truth["periods"].append({"value": 10, "unit": "working_days"})
            lines.append("Постановление может быть обжаловано в течение десяти рабочих дней.")
            lines.append(sign_line("Руководитель", "А. Жұмабаев", rng))
        elif kind == "court_decision":
            truth["amounts"].append({"tenge": amount_tenge, "tiyn": tiyn})
            lines.append(f"{issuer}, рассмотрев дело по иску {firm} (БИН {bin_}) об оспаривании постановления "
                         f"№ {cite_no}, которым наложен штраф {grouped(amount_tenge)} тенге{f' {tiyn} тиын' if tiyn else ''},")
            truth["articles"].append({"code": "АППК", "article": "156", "part": None, "item": None})
            lines.append("руководствуясь статьей 156 " + rng.choice(["АППК РК", "Административного процедурно-процессуального "
                                                                    "кодекса Республики Казахстан"]) + ",")
            lines.append("РЕШИЛ: иск удовлетворить, постановление отменить.")
            truth["periods"].append({"value": 1, "unit": "months"})
            lines.append("Решение может быть обжаловано в течение одного месяца.")
            lines.append(sign_line("Судья", "Б. Сейсенов", rng))
        else:  # submission, protest, warning
            lines.append(f"Прокуратурой проверено соблюдение законодательства {firm} (БИН {bin_}) и органом, которому адресован настоящий акт.")
            lines.append(f"Выявлено нарушение {art(code, violated[0], None, violated[2])}.")
            if kind == "protest":
                lines.append(f"Постановление № {cite_no} от {date_digits(cite_d, lang, rng)} противоречит закону. ПРОШУ: отменить.")
                truth["periods"].append({"value": 10, "unit": "calendar_days"})
                lines.append("Протест подлежит рассмотрению в течение 10 календарных дней.")
            elif kind == "submission":
                truth["periods"].append({"value": 1, "unit": "months"})
                lines.append("ТРЕБУЮ: принять меры и сообщить о результатах в месячный срок.")
            else:
                lines.append("Предостерегаю о недопустимости нарушения закона.")
            lines.append(sign_line("Прокурор", "Е. Мусин", rng))
    else:
        if kind in ("inspection_act", "order"):
            lines.append(f"Тексеру {kk_date_attr(cite_d)} № {cite_no} тексеруді тағайындау туралы акт негізінде "
                         f"{firm}-на (БСН {bin_}) қатысты жүргізілді.")
            lines.append(f"{art(code, violated[0], None, violated[2])} талаптарын бұзу анықталды.")
            n = rng.choice([5, 10, 15, 20])
            unit = rng.choice(["working_days", "calendar_days"])
            truth["periods"].append({"value": n, "unit": unit})
            lines.append(f"Бұзушылықтар {n} {'жұмыс' if unit == 'working_days' else 'күнтізбелік'} күн ішінде жойылсын.")
            lines.append(sign_line("Мемлекеттік инспектор", "Н. Қалиев", rng))
        elif kind == "protocol":
            lines.append(f"Хаттама {firm}-на (БСН {bin_}) қатысты толтырылды.")
            lines.append(f"{art(code, violated[0], None, violated[2])} талаптары бұзылды; жауаптылық "
                         f"{art('КоАП', admin_art, admin_part, case='loc')} көзделген.")
            lines.append(sign_line("Хаттаманы толтырған", "______________", rng))
        elif kind == "resolution":
            lines.append(f"{kk_date_attr(cite_d)} № {cite_no} хаттама бойынша {firm}-на (БСН {bin_}) қатысты істі қарап,")
            lines.append("ҚАУЛЫ ЕТТІ:")
            truth["amounts"].append({"tenge": amount_tenge, "tiyn": tiyn})
            lines.append(f"{art('КоАП', admin_art, admin_part, case='nom')} бойынша кінәлі деп танылсын, {amount_tenge // MRP_2025} АЕК мөлшерінде, "
                         f"яғни {grouped(amount_tenge)} ({kk_number_words(amount_tenge)}) теңге{f' {tiyn} тиын' if tiyn else ''} айыппұл салынсын.")
            truth["periods"].append({"value": 10, "unit": "working_days"})
            lines.append("Қаулыға он жұмыс күні ішінде шағым жасалуы мүмкін.")
            lines.append(sign_line("Басшы", "А. Жұмабаев", rng))
        elif kind == "court_decision":
            truth["amounts"].append({"tenge": amount_tenge, "tiyn": tiyn})
            lines.append(f"{issuer} {firm}-ның (БСН {bin_}) № {cite_no} қаулыны даулау туралы талап арызын қарап, "
                         f"қаулымен {grouped(amount_tenge)} теңге{f' {tiyn} тиын' if tiyn else ''} айыппұл салынғанын анықтады.")
            lines.append(f"ӘРПК-нің 156-бабын басшылыққа алып, сот ШЕШТІ: талапты қанағаттандыруға.")
            truth["articles"].append({"code": "АППК", "article": "156", "part": None, "item": None})
            truth["periods"].append({"value": 1, "unit": "months"})
            lines.append("Шешімге бір ай ішінде шағым берілуі мүмкін.")
            lines.append(sign_line("Судья", "Б. Сейсенов", rng))
        else:
            lines.append(f"Прокуратура {firm}-ның (БСН {bin_}) заңнаманы сақтауын тексерді.")
            lines.append(f"{art(code, violated[0], None, violated[2])} талаптарын бұзу анықталды.")
            if kind == "protest":
                lines.append(f"{date_digits(cite_d, lang, rng)} № {cite_no} қаулы заңға қайшы. СҰРАЙМЫН: күшін жою.")
                truth["periods"].append({"value": 10, "unit": "calendar_days"})
                lines.append("Наразылық 10 күнтізбелік күн ішінде қаралуға жатады.")
            elif kind == "submission":
                truth["periods"].append({"value": 1, "unit": "months"})
                lines.append("ТАЛАП ЕТЕМІН: шаралар қабылдап, нәтижесін бір ай ішінде хабарлау.")
            else:
                lines.append("Заң бұзушылыққа жол бермеу туралы ескертемін.")
            lines.append(sign_line("Прокурор", "Е. Мусин", rng))
    return lines, truth


# ----------------------------------------------------------------------------------------------
# Rendering: the layout marks to HTML (Chromium prints the PDF) and to DOCX
# ----------------------------------------------------------------------------------------------

def blocks_of(lines):
    """Lines → blocks: ('table', [[cell lines]]), ('right', text), ('split', left, right), ('p', text)."""
    blocks = []
    for line in lines:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            row = [[part.strip() for part in c.split(" // ")] for c in cells]
            if blocks and blocks[-1][0] == "table":
                blocks[-1][1].append(row)
            else:
                blocks.append(("table", [row]))
        elif line.startswith(">> "):
            blocks.append(("right", line[3:].strip()))
        elif "    " in line.strip():
            left, right = line.strip().split("    ", 1)
            blocks.append(("split", left.strip(), right.strip()))
        else:
            blocks.append(("p", line.strip()))
    return blocks


def is_title(text):
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and len(text) < 60 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def write_html(lines, path, rng):
    font = rng.choice(["Liberation Serif", "DejaVu Serif", "Liberation Sans", "DejaVu Sans"])
    size = rng.choice([11, 11.5, 12, 12.5])
    out = [f"<!doctype html><meta charset=utf-8><style>@page{{size:A4;margin:18mm 16mm 16mm 24mm}}"
           f"body{{font-family:'{font}';font-size:{size}pt;line-height:1.25}}"
           "table{width:100%;border-collapse:collapse;margin:0 0 8pt}td{vertical-align:top;padding:0 6pt;width:50%}"
           "td.r{text-align:right}td.c{text-align:center}p{margin:0 0 4pt;text-align:justify}p.t{text-align:center;font-weight:bold;margin:6pt 0}"
           "p.r{text-align:right;margin-left:45%}</style><body>"]
    for block in blocks_of(lines):
        if block[0] == "table":
            out.append("<table>")
            for row in block[1]:
                cells = []
                for j, cell in enumerate(row):
                    align = "r" if j == len(row) - 1 and len(row) > 1 else "l"
                    if is_title(" ".join(cell)) and len(row) > 1:
                        align = "c"
                    cells.append(f"<td class={align}>" + "<br>".join(html.escape(x) for x in cell) + "</td>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</table>")
        elif block[0] == "right":
            out.append(f"<p class=r>{html.escape(block[1])}</p>")
        elif block[0] == "split":
            out.append(f"<table><tr><td>{html.escape(block[1])}</td><td class=r>{html.escape(block[2])}</td></tr></table>")
        else:
            out.append(f"<p class={'t' if is_title(block[1]) else 'n'}>{html.escape(block[1])}</p>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(out))


def write_docx(lines, path):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    for block in blocks_of(lines):
        if block[0] in ("table", "split"):
            rows = block[1] if block[0] == "table" else [[[block[1]], [block[2]]]]
            width = max(len(r) for r in rows)
            table = doc.add_table(rows=len(rows), cols=width)
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    target = table.cell(i, j)
                    target.text = ""
                    paragraph = target.paragraphs[0]
                    for k, part in enumerate(cell):
                        run = paragraph.add_run(part)
                        if k < len(cell) - 1:
                            run.add_break()
                    if j == width - 1 and width > 1:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif block[0] == "right":
            doc.add_paragraph(block[1]).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            p = doc.add_paragraph()
            run = p.add_run(block[1])
            if is_title(block[1]):
                run.bold = True
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.save(path)


def chromium_pdf(html_path, pdf_path):
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tempfile.mkdtemp(prefix='corpus-b-')}", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf_path}", "file://" + os.path.abspath(html_path)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


def page_image(pdf_path, dpi, gray):
    from PIL import Image
    out = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png"] + (["-gray"] if gray else []) + [pdf_path],
                         check=True, stdout=subprocess.PIPE).stdout
    return Image.open(io.BytesIO(out))


def scan(img, rng):
    """A flatbed scan: a slight skew, a grey paper, a little noise."""
    import numpy as np
    from PIL import Image
    img = img.convert("L").rotate(rng.uniform(-1.2, 1.2), fillcolor=245, resample=Image.BICUBIC, expand=False)
    a = np.asarray(img).astype(np.float32) * 0.93 + 8
    a += np.random.default_rng(rng.randint(0, 1 << 30)).normal(0, 4, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def stamp_and_sign(img, rng):
    """A round blue stamp and a signature stroke over the lower part of the page (over text, as in life)."""
    from PIL import ImageDraw
    import numpy as np
    img = img.convert("RGB")
    w, h = img.size
    # Over the signature: the last lines of ink on the page.
    ink_rows = np.nonzero((np.asarray(img.convert("L")) < 128).sum(axis=1) > 3)[0]
    bottom = int(ink_rows[-1]) if len(ink_rows) else int(h * 0.6)
    draw = ImageDraw.Draw(img, "RGBA")
    cx, cy = int(w * rng.uniform(0.35, 0.7)), bottom - int(h * rng.uniform(0.0, 0.04))
    r = int(w * 0.09)
    blue = (40, 60, 170, rng.randint(120, 170))
    for k in range(3):
        draw.ellipse([cx - r + k * 2, cy - r + k * 2, cx + r - k * 2, cy + r - k * 2], outline=blue, width=3)
    draw.ellipse([cx - r * 0.6, cy - r * 0.6, cx + r * 0.6, cy + r * 0.6], outline=blue, width=2)
    x, y = cx - r * 1.6, cy + rng.uniform(-0.3, 0.3) * r
    points = []
    for t in range(60):
        points.append((x + t * r * 0.05, y + math.sin(t / 3.0) * r * 0.25 + rng.uniform(-3, 3)))
    draw.line(points, fill=(20, 30, 110, 200), width=3)
    return img


def photograph(img, rng):
    """A phone photo: skewed 2–5°, washed out, a shadow, soft, JPEG at quality 40–60."""
    import numpy as np
    from PIL import Image, ImageFilter
    img = stamp_and_sign(img, rng)
    angle = rng.uniform(2, 5) * rng.choice([-1, 1])
    img = img.rotate(angle, fillcolor=(188, 182, 170), resample=Image.BICUBIC, expand=True)
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.1)))
    a = np.asarray(img).astype(np.float32)
    low, high = rng.uniform(55, 85), rng.uniform(185, 215)
    a = low + a * (high - low) / 255.0
    h, w = a.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    sx, sy = rng.uniform(0, w), rng.uniform(0, h)
    dist = np.sqrt((xx - sx) ** 2 + (yy - sy) ** 2) / max(h, w)
    shade = 1.0 - rng.uniform(0.25, 0.45) * np.clip(1.2 - dist * 1.6, 0, 1)
    a = a * shade[..., None]
    a += np.random.default_rng(rng.randint(0, 1 << 30)).normal(0, 6, a.shape)
    out = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    out.save(buffer, format="JPEG", quality=rng.randint(40, 60))
    return buffer.getvalue()


def mojibake_pdf(img, lines, path):
    """A PDF whose page is a picture and whose text layer, invisible, is the text's cp1251 bytes read as
    cp1252 («Ïðîêóðàòóðà» for «Прокуратура») — what some scanners' PDFs carry."""
    jpeg = io.BytesIO()
    img.convert("L").save(jpeg, format="JPEG", quality=75)
    data = jpeg.getvalue()
    text_ops = ["BT", "3 Tr", "/F1 9 Tf", "1 0 0 1 60 800 Tm", "11 TL"]
    for line in lines:
        plain = " ".join(line.replace("|", " ").replace(" // ", " ").replace(">> ", "").split())
        raw = plain.encode("cp1251", errors="replace")
        text_ops.append(f"<{raw.hex()}> Tj T*")
    text_ops.append("ET")
    content = ("q 595 0 0 842 0 0 cm /Im1 Do Q\n" + "\n".join(text_ops)).encode("latin-1")
    w, h = img.size
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> /Font << /F1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /DCTDecode /Length %d >>\nstream\n" % (w, h, len(data)) + data + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    with open(path, "wb") as f:
        f.write(out)


def render(name, lines, out_dir, renditions, rng):
    base = os.path.join(out_dir, name)
    with open(base + ".txt", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    if "docx" in renditions:
        write_docx(lines, base + ".docx")
    needs_pdf = renditions & {"pdf", "scan300", "photo200", "mojibake"}
    if not needs_pdf:
        return
    html_path = base + ".html"
    write_html(lines, html_path, rng)
    chromium_pdf(html_path, base + ".pdf")
    os.remove(html_path)
    if "scan300" in renditions:
        scan(page_image(base + ".pdf", 300, True), rng).save(base + ".scan300.png")
    if "photo200" in renditions:
        with open(base + ".photo200.jpg", "wb") as f:
            f.write(photograph(page_image(base + ".pdf", 200, False), rng))
    if "mojibake" in renditions:
        mojibake_pdf(page_image(base + ".pdf", 150, True), lines, base + ".mojibake.pdf")
    if "pdf" not in renditions:
        os.remove(base + ".pdf")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=36)
    ap.add_argument("--seed", type=int, default=61)
    ap.add_argument("--renditions", default="docx,pdf,scan300,photo200,mojibake")
    ap.add_argument("--texts", help="render the hand-written documents of this directory (NAME.txt beside NAME.truth.json)")
    args = ap.parse_args()
    renditions = set(args.renditions.split(","))
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    kinds = ["answer", "submission", "inspection_act", "protocol", "resolution", "protest", "order", "warning",
             "court_decision"]
    made = 0
    if args.texts:
        for text in sorted(os.listdir(args.texts)):
            if not text.endswith(".txt"):
                continue
            name = text[:-4]
            with open(os.path.join(args.texts, text), encoding="utf-8") as f:
                lines = [line.rstrip("\n") for line in f if line.strip()]
            shutil.copy(os.path.join(args.texts, name + ".truth.json"), os.path.join(args.out, name + ".truth.json"))
            render(name, lines, args.out, renditions, rng)
            made += 1
    else:
        for i in range(args.count):
            lang = "ru" if i % 2 == 0 else "kk"
            kind = kinds[(i // 2) % len(kinds)]
            lines, truth = make_document(rng, lang, kind)
            name = f"b{i:03d}-{lang}-{kind}"
            with open(os.path.join(args.out, name + ".truth.json"), "w", encoding="utf-8") as f:
                json.dump(truth, f, ensure_ascii=False, indent=1)
            render(name, lines, args.out, renditions, rng)
            made += 1
            print(f"\r{made}/{args.count}", end="", file=sys.stderr)
    print(f"\n{made} documents in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
