#!/usr/bin/env python3
"""Builds assets/extract/kazakh_words.json: the Kazakh word forms whose letters OCR loses, so that the
reader can put back «Қ», «Ң», «Ү», «І» … in a word Tesseract read as «КАЛАСЫНЫН» (issue 61).

Tesseract's Kazakh model, run together with the Russian one, often reads a Kazakh letter as the
Russian letter it resembles (Қ→К, Ң→Н, Ғ→Г, Ү/Ұ→У, Ө→О, Ә→А, Һ→Х) or drops «І». A word whose folded
spelling (those letters folded to their Russian lookalikes, «І» dropped) is one known Kazakh form, and
no Russian word, is that form. The forms are:

- stems: the names of the regions and districts in Kazakh from the official classifier КАТО
  (../shared/geo/kato-nk-rk-11-2025.csv, НК РК 11-2025), the Kazakh words of the reader's own rules
  (assets/extract/rules.json: titles, months, numbers, leads) and the general vocabulary of state
  bodies' names and official letters written below (nouns of bodies and offices, their fields);
- each stem with the case and possessive endings such names take (both vowel harmonies; a form that
  is no word is harmless: it is only ever matched by a word OCR read);
- minus every form whose folded spelling is a Russian word of the Code of Administrative Offences
  (../shared/law/k1400000235…rus.txt): there a Russian reading is as likely, and nothing is changed.

Usage: python3 scripts/documents/kazakh_lexicon.py [--geo ../shared/geo] [--law ../shared/law]
Writes assets/extract/kazakh_words.json (sorted, deterministic); rerunning gives the same file.
"""

import argparse
import csv
import glob
import json
import os
import re

KAZAKH_LETTERS = set("әғқңөұүһі")
# A Kazakh letter as OCR takes it when it misses: the Russian letter it resembles («Ә» read as «А», or as «Э» in capitals).
FOLD = str.maketrans({"ә": "а", "э": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х"})

# The vocabulary of state bodies' names and official letters in Kazakh: the nouns of bodies and
# offices and the fields they work in, in their dictionary forms.
VOCABULARY = """
қазақстан республика бас прокуратура прокурор орынбасар көмекші аға кеңесші заңгер әділет
облыс қала аудан ауыл кент округ аймақ өңір астана алматы шымкент
мемлекеттік кіріс департамент басқарма бөлім комитет министрлік әкімдік әкім әкімшілік агенттік
инспекция инспектор маман бас басшы төраға төрағасы директор бастық қызмет мекеме кәсіпорын
денсаулық сақтау экология табиғи ресурс реттеу бақылау қадағалау тексеру еңбек жұмыспен қамту
үйлестіру әлеуметтік бағдарлама білім ғылым мәдениет спорт туризм жастар дін істер
ветеринария ауылшаруашылық ауыл шаруашылығы жер қатынас сәулет құрылыс қала құрылысы тұрғын үй
коммуналдық шаруашылық жолаушылар көлік автомобиль жол энергетика өнеркәсіп кәсіпкерлік индустрия
инвестиция цифрлық даму қаржы экономика бюджет жоспарлау сатып алу мемлекеттік сатып алу
санитариялық эпидемиологиялық санитариялық-эпидемиологиялық тұтынушы құқық қорғау құқықтық
статистика арнайы есеп төтенше жағдай өрт қауіпсіздік ішкі полиция сот судья мамандандырылған
ауданаралық азаматтық қылмыстық экономикалық іс жөніндегі бойынша туралы жауапкершілік шектеулі
конституциялық
серіктестік акционерлік қоғам жеке кәсіпкер шаруа қожалық ұйым жауап хат ұсыну наразылық
қаулы шешім бұйрық хаттама акт нұсқама ескерту талап өтініш шағым арыз қанағаттандыру
ішінара қабылдау қарау нәтиже мерзім күн жұмыс ай жыл тоқсан айыппұл сома теңге
тапсырыс беруші тексерілетін субъект лауазымды адам тұлға заң кодекс бап тармақ бөлік тармақша
""".split()

# Endings a name takes: the «-ғы» of «2025 жылғы», possessive, genitive, dative, locative, ablative,
# accusative, instrumental, plural, and the «-дағы» and «-лық» forms, in both vowel harmonies.
SUFFIXES = """
ғы гі қы кі ы і сы сі ның нің дың дің тың тің ының інің сының сінің
ға ге қа ке на не ына іне сына сіне
да де та те нда нде ында інде сында сінде
дан ден тан тен нан нен ынан інен сынан сінен
ны ні ды ді ты ті ын ін сын сін
мен бен пен ымен імен сымен сімен
лар лер дар дер тар тер лары лері дары дері тары тері ларының лерінің дарының дерінің тарының терінің
ларына леріне дарына деріне тарына теріне ларында лерінде
дағы дегі тағы тегі ндағы ндегі сындағы сіндегі ындағы індегі
лық лік дық дік тық тік лығы лігі дығы дігі тығы тігі лығының лігінің дығының дігінің
""".split()


def words_of(text):
    return [w for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text.lower())]


def toponyms(geo):
    """The words of the Kazakh names of regions and districts, the districts of the three cities of
    republican significance (Astana 71, Almaty 75, Shymkent 79: «Әуезов ауданы») among them."""
    out = set()
    with open(os.path.join(geo, "kato-nk-rk-11-2025.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            city_district = row["level"] == "sub_district" and row["kato"][:2] in ("71", "75", "79") \
                and row["kato"].endswith("0000")
            if row["level"] in ("oblast", "district") or city_district:
                out.update(w for w in words_of(row["name_kk"]) if len(w) > 2)
    return out


def stems(geo, rules_path):
    out = set(VOCABULARY) | toponyms(geo)
    def strings(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, list):
            for x in node:
                yield from strings(x)
        elif isinstance(node, dict):
            for x in node.values():
                yield from strings(x)
    with open(rules_path, encoding="utf-8") as f:
        rules = json.load(f)
    for s in strings(rules):
        # Regular expressions' own letters (\w, \s) and character classes ([а-яА-Я…]) are no words.
        plain = re.sub(r"\\[a-zA-Z]", " ", re.sub(r"\[[^\]]*\]", " ", s))
        out.update(w for w in words_of(plain) if any(c in KAZAKH_LETTERS for c in w) and len(w) > 2)
    return out


BACK, FRONT = set("аоұы"), set("әеөүі")
VOWELS = BACK | FRONT | set("иуэюя")


def harmony(word):
    """'back', 'front' or None (no telling vowel), by the word's last telling vowel."""
    for c in reversed(word):
        if c in BACK:
            return "back"
        if c in FRONT:
            return "front"
    return None


def borrowed(stem, russian):
    """Whether a stem is a Russian word, by the law texts holding it with a Russian ending: a
    consonant-final stem followed by one to three letters («ресурсов», «комитета»), a stem ending in
    «-а»/«-я» with that letter changed («экологии», «статистики»)."""
    heads = [stem] if stem[-1] not in "ая" else [stem[:-1]]
    return any(w != stem and w.startswith(h) and 1 <= len(w) - len(h) <= 3 for h in heads for w in russian)


def forms(stem):
    """The stem and the stem with each ending that suits it: the ending's vowels in the stem's
    harmony, an ending opening with a vowel only after a consonant and «с…» (сы, сының) only after
    a vowel."""
    out = {stem}
    bases = [stem]
    # «әкімдік» → «әкімдігі»: a final к, қ, п voices before a vowel.
    voiced = {"к": "г", "қ": "ғ", "п": "б"}
    if stem[-1] in voiced:
        bases.append(stem[:-1] + voiced[stem[-1]])
    stem_harmony = harmony(stem)
    ends_in_vowel = stem[-1] in VOWELS
    for base in bases:
        for suffix in SUFFIXES:
            own = harmony(suffix)
            if stem_harmony and own and own != stem_harmony:
                continue
            if ends_in_vowel and suffix[0] in VOWELS:
                continue
            if not ends_in_vowel and suffix.startswith("с"):
                continue
            if base != stem and suffix[0] not in VOWELS:
                continue
            out.add(base + suffix)
    return out


def fold(word):
    """The word as OCR reads it when every Kazakh letter is taken for its Russian lookalike («і» stays:
    the reader folds it away itself when a word is not found with it)."""
    return word.translate(FOLD)


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap.add_argument("--geo", default=os.path.join(root, "..", "shared", "geo"))
    ap.add_argument("--law", default=os.path.join(root, "..", "shared", "law"))
    ap.add_argument("--out", default=os.path.join(root, "assets", "extract", "kazakh_words.json"))
    args = ap.parse_args()
    russian = set()
    for path in glob.glob(os.path.join(args.law, "*.rus.txt")):
        with open(path, encoding="utf-8") as f:
            russian.update(words_of(f.read()))
    by_fold = {}
    for stem in stems(args.geo, os.path.join(root, "assets", "extract", "rules.json")):
        for form in forms(stem):
            if not any(c in KAZAKH_LETTERS for c in form):
                continue
            by_fold.setdefault(fold(form), set()).add(form)
    # Forms with no Kazakh letter («облысы», «прокуратурасы») need nothing put back but tell a line
    # is Kazakh; the vocabulary's only (a place's name is spelt alike in Russian), Russian words out.
    # A stem borrowed from Russian, as it stands and with the «-ы» a Russian plural also ends in,
    # tells nothing: it is spelt so in a Russian text too («ТОО «Актобе Медь Ресурс»» had been taken
    # for a Kazakh line and its town put back as «Ақтөбе»; the law texts hold «ресурсов», not
    # «ресурс»). Borrowed: the law texts hold the stem with a Russian ending («ресурсов»,
    # «департамента», «экологии»). Only a Kazakh ending tells then; «облыс», «туралы» still do.
    plain = sorted({f for stem in VOCABULARY for f in forms(stem)
                    if not any(c in KAZAKH_LETTERS for c in f) and len(f) >= 5
                    and not (f in (stem, stem + "ы") and borrowed(stem, russian))} - russian)
    kept, russian_like, ambiguous = [], 0, 0
    for folded, found in by_fold.items():
        if folded in russian:
            russian_like += 1
        elif len(found) > 1:
            ambiguous += 1
        elif len(folded) >= 3:
            kept.append(next(iter(found)))
    kept.sort()
    # A word OCR read without its «І» («ДЕПАРТАМЕНТ» for «ДЕПАРТАМЕНТІ») is looked up with every «і»
    # folded away too; where that spelling is a Russian word, the reader leaves the word alone.
    without_i = sorted({fold(f).replace("і", "") for f in kept} & russian)
    # A place's name as it stands («Қостанай», «Ақтөбе») is spelt the Russian way in a Russian text
    # («г. Костанай»): the reader puts such a name back only in a line that is Kazakh.
    places = sorted(set(kept) & toponyms(args.geo))
    data = {
        "version": "kazakh-words-2026.11.30",
        "about": "Kazakh word forms whose letters OCR loses (Қ→К, Ң→Н, Ғ→Г, Ү/Ұ→У, Ө→О, Ә→А, Һ→Х, І dropped): "
                 "a word read by OCR whose folded spelling is one of these, and no Russian word, is put back. "
                 "Built by scripts/documents/kazakh_lexicon.py; do not edit by hand.",
        "sources": [
            "КАТО НК РК 11-2025 (../shared/geo/kato-nk-rk-11-2025.csv): names of regions and districts in Kazakh",
            "assets/extract/rules.json: the reader's own Kazakh words",
            "the vocabulary of state bodies' names and official letters, in scripts/documents/kazakh_lexicon.py",
            "Russian words vetoed: the Code of Administrative Offences, Russian text (../shared/law)",
        ],
        "forms_dropped_as_russian_words": russian_like,
        "forms_dropped_as_ambiguous": ambiguous,
        "forms": kept,
        "russian_without_i": without_i,
        "places": places,
        "plain": plain,
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=0)
        f.write("\n")
    print(f"{len(kept)} forms, {russian_like} dropped as Russian words, {ambiguous} ambiguous, "
          f"{len(without_i)} Russian without «і» -> {args.out}")


if __name__ == "__main__":
    main()
