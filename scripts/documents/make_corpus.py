#!/usr/bin/env python3
"""Makes the documents corpus the extraction is measured on (issue 38): documents of the kinds a
prosecutor attaches (submissions, protests, orders, warnings, answers of state bodies, resolutions,
protocols, inspection acts, court decisions, appeals) in Russian and Kazakh, each with its ground
truth, in five renditions: DOCX (python-docx), born-digital PDF (LibreOffice headless), a 300 dpi
scan, a degraded 200 dpi scan (tilt, blur, noise, a shadow across the page) and a PDF whose text
layer is broken (its fonts' ToUnicode maps removed, as in PDFs whose Cyrillic comes out as Latin
look-alikes). The wording varies between several phrasings per requisite, so the rules are not
measured on one template.

Usage: make_corpus.py OUT_DIR [--count N] [--seed S] [--renditions docx,pdf,scan300,scan200,broken]
       make_corpus.py OUT_DIR --texts scripts/documents/handwritten   (the hand-written documents)
Needs: python-docx, pypdf, Pillow, numpy; libreoffice (soffice) and pdftoppm on the PATH.
"""
import argparse
import shutil
import json
import os
import random
import subprocess
import sys
from datetime import date, timedelta

BODIES_RU = ["Прокуратура Туркестанской области", "Прокуратура города Шымкент", "Прокуратура Алматинской области",
             "Прокуратура Сарыагашского района", "Департамент по труду и социальной защите населения",
             "Управление государственной инспекции труда", "Департамент экологии по Туркестанской области",
             "Комитет государственных доходов", "Акимат Казыгуртского района"]
BODIES_KK = ["Түркістан облысының прокуратурасы", "Шымкент қаласының прокуратурасы", "Алматы облысының прокуратурасы",
             "Сарыағаш ауданының прокуратурасы", "Еңбек және халықты әлеуметтік қорғау департаменті",
             "Мемлекеттік еңбек инспекциясы басқармасы", "Экология департаменті", "Мемлекеттік кірістер комитеті"]
FIRMS_RU = ["ТОО «Береке Строй»", "ТОО «Оңтүстік Агро»", "АО «КазТрансСервис»", "ТОО «Нур-Логистик»", "ТОО «Самал Құрылыс»"]
FIRMS_KK = ["«Береке Строй» ЖШС", "«Оңтүстік Агро» ЖШС", "«ҚазТрансСервис» АҚ", "«Нұр-Логистик» ЖШС", "«Самал Құрылыс» ЖШС"]
MONTHS_RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"]
MONTHS_KK = ["қаңтардағы", "ақпандағы", "наурыздағы", "сәуірдегі", "мамырдағы", "маусымдағы", "шілдедегі", "тамыздағы",
             "қыркүйектегі", "қазандағы", "қарашадағы", "желтоқсандағы"]
# Articles (code, article, part, item) and how each code is written.
CODES_RU = {"КоАП": ["КоАП РК", "Кодекса об административных правонарушениях"], "АППК": ["АППК РК", "АППК"],
            "ТК": ["ТК РК", "Трудового кодекса"], "ПК": ["Предпринимательского кодекса"], "ЭК": ["Экологического кодекса"]}
CODES_KK = {"КоАП": ["ӘҚБтК-нің", "Әкімшілік құқық бұзушылық туралы кодексінің"], "АППК": ["ӘРПК-нің"],
            "ТК": ["Еңбек кодексінің"], "ПК": ["Кәсіпкерлік кодексінің"], "ЭК": ["Экологиялық кодексінің"]}
UNITS_RU = ["", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
TEENS_RU = ["десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
            "семнадцать", "восемнадцать", "девятнадцать"]
TENS_RU = ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"]
HUNDREDS_RU = ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"]
UNITS_KK = ["", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"]
TENS_KK = ["", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан"]


def check_digit(d11):
    for weights in ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]):
        c = sum(a * b for a, b in zip(d11, weights)) % 11
        if c != 10:
            return c
    return None


def make_bin(rng):
    while True:
        month = rng.randint(1, 12)
        d = [rng.randint(0, 9), rng.randint(0, 9), month // 10, month % 10] + [rng.choice([4, 5, 6])] + [rng.randint(0, 9) for _ in range(6)]
        c = check_digit(d)
        if c is not None:
            return "".join(map(str, d + [c]))


def ru_words(n):
    def below_thousand(n, feminine=False):
        out = [HUNDREDS_RU[n // 100]]
        r = n % 100
        if 10 <= r < 20:
            out.append(TEENS_RU[r - 10])
        else:
            out.append(TENS_RU[r // 10])
            u = UNITS_RU[r % 10]
            if feminine and r % 10 in (1, 2):
                u = {1: "одна", 2: "две"}[r % 10]
            out.append(u)
        return [w for w in out if w]
    words = []
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    if millions:
        words += below_thousand(millions)
        last = millions % 100
        words.append("миллион" if last % 10 == 1 and last != 11 else "миллиона" if 2 <= last % 10 <= 4 and not 12 <= last <= 14 else "миллионов")
    if thousands:
        words += below_thousand(thousands, feminine=True)
        last = thousands % 100
        words.append("тысяча" if last % 10 == 1 and last != 11 else "тысячи" if 2 <= last % 10 <= 4 and not 12 <= last <= 14 else "тысяч")
    words += below_thousand(units)
    return " ".join(words)


def kk_words(n):
    def below_thousand(n):
        out = []
        if n // 100:
            out += ([UNITS_KK[n // 100]] if n // 100 > 1 else ["бір"]) + ["жүз"]
        out += [TENS_KK[(n % 100) // 10], UNITS_KK[n % 10]]
        return [w for w in out if w]
    words = []
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    if millions:
        words += below_thousand(millions) + ["миллион"]
    if thousands:
        words += below_thousand(thousands) + ["мың"]
    words += below_thousand(units)
    return " ".join(words)


def spaced(n):
    return f"{n:,}".replace(",", " ")


def ru_date(d, rng):
    return rng.choice([f"{d:%d.%m.%Y}", f"{d:%d.%m.%Y} г.", f"«{d.day}» {MONTHS_RU[d.month - 1]} {d.year} года",
                       f"{d.day} {MONTHS_RU[d.month - 1]} {d.year} года"])


def kk_date(d, rng):
    return rng.choice([f"{d.year} жылғы {d.day} {MONTHS_KK[d.month - 1]}", f"{d:%d.%m.%Y} ж.", f"{d:%d.%m.%Y}"])


def article_text(lang, a, rng):
    code, art, part, item = a
    if lang == "ru":
        name = rng.choice(CODES_RU[code])
        forms = []
        if part and item:
            forms = [f"п. {item} ч. {part} ст. {art} {name}", f"пункта {item} части {part} статьи {art} {name}"]
        elif part:
            forms = [f"ч. {part} ст. {art} {name}", f"части {part} статьи {art} {name}", f"ст. {art} ч. {part} {name}"]
        elif item:
            forms = [f"п. {item} ст. {art} {name}", f"пункта {item} статьи {art} {name}"]
        else:
            forms = [f"ст. {art} {name}", f"статьи {art} {name}"]
        return rng.choice(forms)
    name = rng.choice(CODES_KK[code])
    s = f"{name} {art}-бабының"
    if part:
        s += f" {part}-бөлігі"
    if item:
        s += f" {item}-тармағы"
    if not part and not item:
        s = f"{name} {art}-бабы"
    return s


def period_text(lang, p, rng):
    value, unit = p
    if lang == "ru":
        if unit == "months":
            return rng.choice(["в месячный срок", "в течение месяца", "в течение одного месяца"])
        kind = {"working_days": "рабочих дней", "calendar_days": rng.choice(["календарных дней", "дней"])}[unit]
        return rng.choice([f"в течение {value} {kind}", f"в срок не позднее {value} {kind}"])
    if unit == "months":
        return rng.choice(["бір ай ішінде", "айлық мерзімде"])
    kind = {"working_days": "жұмыс күні", "calendar_days": rng.choice(["күнтізбелік күн", "күн"])}[unit]
    return f"{value} {kind} ішінде"


def amount_text(lang, tenge, rng):
    if lang == "ru":
        return rng.choice([f"{spaced(tenge)} тенге", f"{spaced(tenge)} ({ru_words(tenge)}) тенге", f"{ru_words(tenge)} тенге"])
    return rng.choice([f"{spaced(tenge)} теңге", f"{spaced(tenge)} ({kk_words(tenge)}) теңге", f"{kk_words(tenge)} теңге"])


TITLES = {
    "ru": {"submission": "ПРЕДСТАВЛЕНИЕ", "protest": "ПРОТЕСТ", "order": "ПРЕДПИСАНИЕ", "warning": "ПРЕДОСТЕРЕЖЕНИЕ",
           "resolution": "ПОСТАНОВЛЕНИЕ", "protocol": "ПРОТОКОЛ", "inspection_act": "АКТ О РЕЗУЛЬТАТАХ ПРОВЕРКИ",
           "court_decision": "РЕШЕНИЕ", "appeal": "ЖАЛОБА"},
    "kk": {"submission": "ҰСЫНЫС", "protest": "НАРАЗЫЛЫҚ", "order": "НҰСҚАМА", "warning": "ЕСКЕРТУ",
           "resolution": "ҚАУЛЫ", "protocol": "ХАТТАМА", "inspection_act": "ТЕКСЕРУ НӘТИЖЕЛЕРІ ТУРАЛЫ АКТ",
           "court_decision": "ШЕШІМ", "appeal": "ШАҒЫМ"},
}
SUBTITLES_RU = {"submission": "об устранении нарушений законности", "protest": "на незаконный правовой акт",
                "order": "об устранении нарушений", "warning": "о недопустимости нарушения закона",
                "resolution": "по делу об административном правонарушении", "protocol": "об административном правонарушении",
                "inspection_act": "", "court_decision": "", "appeal": ""}


def make_doc(rng, index, lang, kind):
    """One document's paragraphs and its ground truth."""
    d = date(2024, 1, 1) + timedelta(days=rng.randint(0, 690))
    number = rng.choice([f"{rng.randint(1, 9)}-{rng.randint(1, 20):02d}-{d.year % 100}/{rng.randint(10, 9999)}",
                         f"{rng.randint(1, 999)}", f"{rng.randint(10, 99)}-{rng.randint(100, 999)}",
                         f"{rng.randint(1, 999)}/{d.year}"])
    body = rng.choice(BODIES_RU if lang == "ru" else BODIES_KK)
    firm_i = rng.randrange(len(FIRMS_RU))
    firm = FIRMS_RU[firm_i] if lang == "ru" else FIRMS_KK[firm_i]
    bin_ = make_bin(rng)
    articles = []
    for _ in range(rng.randint(1, 2)):
        code = rng.choice(list(CODES_RU))
        art = str(rng.choice([462, 76, 113, 152, 144, 87, 282, 327, 93]))
        part = str(rng.randint(1, 4)) if rng.random() < 0.6 else None
        item = str(rng.randint(1, 9)) if rng.random() < 0.3 else None
        articles.append((code, art, part, item))
    tenge = rng.choice([rng.randint(1, 999) * 1000, rng.randint(1000, 99999) * 100, rng.randint(100, 9999) * 1000])
    period = rng.choice([(rng.choice([5, 10, 15, 30]), "working_days"), (rng.choice([3, 10, 20, 30]), "calendar_days"), (1, "months")])
    truth = {"doc_type": kind, "lang": lang, "number": number, "date": d.isoformat(), "issuer": body, "bins": [bin_],
             "articles": [{"code": a[0], "article": a[1], "part": a[2], "item": a[3]} for a in articles],
             "amounts": [{"tenge": tenge, "tiyn": 0}], "periods": [{"value": period[0], "unit": period[1]}]}
    paragraphs = [body.upper() if rng.random() < 0.5 else body]
    date_text = ru_date(d, rng) if lang == "ru" else kk_date(d, rng)
    addressee = None
    if kind in ("submission", "protest", "order", "warning", "answer"):
        if lang == "ru":
            addressee = rng.choice(["Директору ", "Руководителю "]) + firm if kind != "answer" else "Прокурору " + rng.choice(["Туркестанской области", "города Шымкент", "Сарыагашского района"])
        else:
            addressee = firm + rng.choice([" директорына", " басшысына"]) if kind != "answer" else rng.choice(["Түркістан облысының", "Шымкент қаласының"]) + " прокурорына"
        truth["addressee"] = addressee
    cited_date = d - timedelta(days=rng.randint(5, 40))
    cited_no = str(rng.randint(1, 500))
    arts = [article_text(lang, a, rng) for a in articles]
    amount = amount_text(lang, tenge, rng)
    per = period_text(lang, period, rng)
    bin_label = "БИН" if lang == "ru" else "БСН"
    if kind == "answer":
        truth["doc_type"] = "answer"
        reply_no = f"2-{rng.randint(1, 20):02d}-{d.year % 100}/{rng.randint(10, 9999)}"
        reply_date = d - timedelta(days=rng.randint(5, 25))
        outcome = rng.choice(["satisfied", "partly", "rejected"])
        truth.update({"in_reply_to_number": reply_no, "in_reply_to_date": reply_date.isoformat(), "outcome": outcome})
        if lang == "ru":
            paragraphs += [rng.choice([f"Исх. № {number} от {date_text}", f"№ {number} от {date_text}"]),
                           rng.choice([f"На № {reply_no} от {ru_date(reply_date, rng)}", f"На Ваш № {reply_no} от {ru_date(reply_date, rng)}"]),
                           addressee, ""]
            said = {"satisfied": rng.choice(["представление рассмотрено и удовлетворено", "представление признано обоснованным и удовлетворено"]),
                    "partly": rng.choice(["представление удовлетворено частично", "представление рассмотрено и частично удовлетворено"]),
                    "rejected": rng.choice(["представление оставлено без удовлетворения", "в удовлетворении представления отказано"])}[outcome]
            paragraphs.append(f"Сообщаем, что {said}. Проверкой в отношении {firm} ({bin_label} {bin_}) установлена задолженность "
                              f"в сумме {amount}, допущенная в нарушение {arts[0]}. Меры будут приняты {per}.")
            if len(arts) > 1:
                paragraphs.append(f"Кроме того, должностное лицо привлечено к ответственности по {arts[1]}.")
        else:
            paragraphs += [f"{date_text} № {number}", f"{kk_date(reply_date, rng)} № {reply_no} хатқа жауап", addressee, ""]
            said = {"satisfied": "ұсыныс қаралып, қанағаттандырылды", "partly": "ұсыныс ішінара қанағаттандырылды",
                    "rejected": "ұсыныс қанағаттандырусыз қалдырылды"}[outcome]
            paragraphs.append(f"Хабарлаймыз, {said}. {firm} ({bin_label} {bin_}) {amount} көлеміндегі берешекке жол берген, "
                              f"бұл {arts[0]} талаптарын бұзу болып табылады. Шаралар {per} қабылданады.")
            if len(arts) > 1:
                paragraphs.append(f"Лауазымды тұлға {arts[1]} бойынша жауапкершілікке тартылды.")
        return paragraphs, truth
    if addressee:
        paragraphs.append(addressee)
    paragraphs.append("")
    paragraphs.append(TITLES[lang][kind])
    if lang == "ru" and SUBTITLES_RU.get(kind):
        paragraphs.append(SUBTITLES_RU[kind])
    if kind == "court_decision":
        paragraphs.append("ИМЕНЕМ РЕСПУБЛИКИ КАЗАХСТАН" if lang == "ru" else "ҚАЗАҚСТАН РЕСПУБЛИКАСЫНЫҢ АТЫНАН")
        truth["issuer"] = body = ("Специализированный межрайонный экономический суд Туркестанской области" if lang == "ru"
                                  else "Түркістан облысының мамандандырылған ауданаралық экономикалық соты")
        paragraphs[0] = body
    if lang == "ru":
        paragraphs.append(rng.choice([f"№ {number} от {date_text}", f"{date_text} № {number}"]))
        if kind in ("resolution", "protocol", "court_decision"):
            paragraphs.append(rng.choice(["г. Туркестан", "г. Шымкент"]))
        paragraphs.append("")
        paragraphs.append(f"Проверкой, проведённой в отношении {firm} ({bin_label} {bin_}), установлено, что допущена задолженность "
                          f"в сумме {amount}, чем нарушены требования {arts[0]}.")
        paragraphs.append(f"Ранее по данному факту составлен протокол № {cited_no} от {cited_date:%d.%m.%Y}.")
        if len(arts) > 1:
            paragraphs.append(f"Указанное образует состав правонарушения, предусмотренного {arts[1]}.")
        paragraphs.append(f"На основании изложенного требую устранить нарушения {per} и сообщить о принятых мерах.")
    else:
        paragraphs.append(rng.choice([f"{date_text} № {number}", f"№ {number}  {date_text}"]))
        paragraphs.append("")
        paragraphs.append(f"{firm} ({bin_label} {bin_}) қатысты жүргізілген тексеру барысында {amount} көлемінде берешекке жол "
                          f"берілгені анықталды, бұл {arts[0]} талаптарын бұзу болып табылады.")
        paragraphs.append(f"Осы факт бойынша бұрын {cited_date:%d.%m.%Y} № {cited_no} хаттама толтырылған.")
        if len(arts) > 1:
            paragraphs.append(f"Бұл әрекет {arts[1]} көзделген құқық бұзушылық құрамын құрайды.")
        paragraphs.append(f"Жоғарыда баяндалғанның негізінде бұзушылықтарды {per} жоюды және қабылданған шаралар туралы хабарлауды талап етемін.")
    return paragraphs, truth


def write_docx(paragraphs, path):
    import docx
    from docx.shared import Pt
    doc = docx.Document()
    style = doc.styles["Normal"]
    style.font.name = "Liberation Serif"
    style.font.size = Pt(13)
    for p in paragraphs:
        doc.add_paragraph(p)
    doc.save(path)


def degrade(png_in, out_path, rng):
    import numpy as np
    from PIL import Image, ImageFilter
    img = Image.open(png_in).convert("L")
    img = img.rotate(rng.uniform(-1.5, 1.5), fillcolor=255, resample=Image.BICUBIC)
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 0.9)))
    a = np.asarray(img).astype(np.float32)
    h, w = a.shape
    # A shadow: the paper darkens towards one side (a phone photo under a lamp).
    ramp = np.linspace(1.0, rng.uniform(0.45, 0.6), w)[None, :]
    if rng.random() < 0.5:
        ramp = ramp[:, ::-1]
    a = a * ramp
    noise = np.random.default_rng(rng.randint(0, 1 << 30)).normal(0, 9, a.shape)
    a = np.clip(a + noise, 0, 255).astype(np.uint8)
    Image.fromarray(a).save(out_path, quality=80)


def break_text_layer(pdf_in, pdf_out):
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject
    reader = PdfReader(pdf_in)
    writer = PdfWriter()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for _, ref in fonts.items():
            font = ref.get_object()
            if NameObject("/ToUnicode") in font:
                del font[NameObject("/ToUnicode")]
        writer.add_page(page)
    with open(pdf_out, "wb") as f:
        writer.write(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--seed", type=int, default=38)
    ap.add_argument("--renditions", default="docx,pdf,scan300,scan200,broken")
    ap.add_argument("--texts", help="render the documents written by hand in this directory (NAME.txt, one "
                    "paragraph a line, beside NAME.truth.json) instead of generating them")
    args = ap.parse_args()
    renditions = set(args.renditions.split(","))
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    kinds = ["submission", "protest", "order", "warning", "answer", "resolution", "protocol", "inspection_act", "court_decision"]
    names = []
    for text in sorted(os.listdir(args.texts)) if args.texts else []:
        if not text.endswith(".txt"):
            continue
        name = text[:-4]
        names.append(name)
        with open(os.path.join(args.texts, text), encoding="utf-8") as f:
            write_docx([line.rstrip("\n") for line in f if line.strip()], os.path.join(args.out, name + ".docx"))
        shutil.copy(os.path.join(args.texts, name + ".truth.json"), os.path.join(args.out, name + ".truth.json"))
    for i in range(0 if args.texts else args.count):
        lang = "ru" if i % 2 == 0 else "kk"
        kind = kinds[(i // 2) % len(kinds)]
        paragraphs, truth = make_doc(rng, i, lang, kind)
        name = f"{i:03d}-{lang}-{kind}"
        names.append(name)
        write_docx(paragraphs, os.path.join(args.out, name + ".docx"))
        with open(os.path.join(args.out, name + ".truth.json"), "w", encoding="utf-8") as f:
            json.dump(truth, f, ensure_ascii=False, indent=1)
    if renditions & {"pdf", "scan300", "scan200", "broken"}:
        docs = [os.path.join(args.out, n + ".docx") for n in names]
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", args.out] + docs,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for n in names:
        base = os.path.join(args.out, n)
        if "scan300" in renditions:
            subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", base + ".pdf", base + ".scan300"], check=True)
        if "scan200" in renditions:
            subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", base + ".pdf", base + ".tmp200"], check=True)
            degrade(base + ".tmp200.png", base + ".scan200.jpg", rng)
            os.remove(base + ".tmp200.png")
        if "broken" in renditions:
            break_text_layer(base + ".pdf", base + ".broken.pdf")
        if "pdf" not in renditions and os.path.exists(base + ".pdf"):
            os.remove(base + ".pdf")
        if "docx" not in renditions:
            os.remove(base + ".docx")
    print(f"{len(names)} documents in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
