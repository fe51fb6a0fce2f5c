#!/usr/bin/env python3
"""Writes the first edition of the Word template of the act of selection for destruction
(assets/acts/destruction.<lang>.docx, Russian and Kazakh) with python-docx.

`ekn retention apply --out act.docx` fills it: the act's number and date, the basis, the list
of destroyed records by key and date (never their content), the backup horizon, who applied
it, and the warning that the periods are unconfirmed when they are. The office edits the
template in Word afterwards; this script only rebuilds the first edition (it overwrites edits).

Usage: python3 scripts/make-destruction-act.py [OUT_DIR]   (pip install python-docx==1.2.0)
"""
import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "assets" / "acts")

WORDS = {
    "ru": {
        "approve": "УТВЕРЖДАЮ\n{{ approver }}\n____________  «___» __________ 20__ г.",
        "title": "АКТ № {{ act_number }}",
        "subtitle": "о выделении к уничтожению документов и персональных данных, не подлежащих хранению",
        "date": "{{ date }}",
        "basis": "Основание: {{ basis }}",
        "reason": "Причина: {{ reason }}",
        "as_of": "Сроки хранения исчислены на {{ as_of }} по правилам {{ rules_version }}.",
        "unconfirmed": "{{ unconfirmed }}",
        "head": ["№", "Вид записи", "Запись (ключ)", "Событие, от которого исчислен срок", "Правило, срок"],
        "total": "Всего выделено к уничтожению: {{ total }} записей. Персональные данные удалены из базы данных, поискового индекса, пояснений решений, заметок и журнала (по записям журнала: {{ redacted }}).",
        "backups": "Резервные копии: {{ backup_horizon }}",
        "sign": "Уничтожение произвёл: {{ author }}                    ____________",
        "commission": "Члены экспертной комиссии:  ____________  ____________  ____________",
    },
    "kk": {
        "approve": "БЕКІТЕМІН\n{{ approver }}\n____________  «___» __________ 20__ ж.",
        "title": "№ {{ act_number }} АКТ",
        "subtitle": "сақтауға жатпайтын құжаттар мен дербес деректерді жоюға бөлу туралы",
        "date": "{{ date }}",
        "basis": "Негіздеме: {{ basis }}",
        "reason": "Себебі: {{ reason }}",
        "as_of": "Сақтау мерзімдері {{ as_of }} күнгі жағдай бойынша {{ rules_version }} ережелерімен есептелді.",
        "unconfirmed": "{{ unconfirmed }}",
        "head": ["№", "Жазба түрі", "Жазба (кілт)", "Мерзім есептелетін оқиға", "Ереже, мерзім"],
        "total": "Барлығы жоюға бөлінді: {{ total }} жазба. Дербес деректер дерекқордан, іздеу индексінен, шешімдердің түсіндірмелерінен, жазбалардан және журналдан жойылды (журнал жазбалары бойынша: {{ redacted }}).",
        "backups": "Сақтық көшірмелер: {{ backup_horizon }}",
        "sign": "Жоюды жүргізген: {{ author }}                    ____________",
        "commission": "Сараптау комиссиясының мүшелері:  ____________  ____________  ____________",
    },
}

CELLS = ["{{ r.n }}", "{{ r.kind }}", "{{ r.key }}", "{{ r.event }}", "{{ r.rule }}"]


def paragraph(doc, text, bold=False, align=None):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    if align is not None:
        p.alignment = align
    return p


def write(lang):
    w = WORDS[lang]
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    section = doc.sections[0]
    section.header.paragraphs[0].text = "{{ office }}        {{ draft_mark }}"
    section.footer.paragraphs[0].text = "{{ footer }}"
    for line in w["approve"].split("\n"):
        paragraph(doc, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(doc, w["title"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(doc, w["subtitle"], align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(doc, w["date"])
    paragraph(doc, w["basis"])
    paragraph(doc, w["reason"])
    paragraph(doc, w["as_of"])
    paragraph(doc, w["unconfirmed"], bold=True)
    # The loop tags stand in rows of their own, as the filler repeats the rows between them.
    table = doc.add_table(rows=4, cols=len(CELLS))
    table.style = "Table Grid"
    for index, text in enumerate(w["head"]):
        table.cell(0, index).text = text
    table.cell(1, 0).text = "{% for r in rows %}"
    for index, text in enumerate(CELLS):
        table.cell(2, index).text = text
    table.cell(3, 0).text = "{% endfor %}"
    paragraph(doc, w["total"])
    paragraph(doc, w["backups"])
    paragraph(doc, "")
    paragraph(doc, w["sign"])
    paragraph(doc, w["commission"])
    OUT.mkdir(parents=True, exist_ok=True)
    doc.save(OUT / f"destruction.{lang}.docx")


for lang in WORDS:
    write(lang)
print(f"wrote 2 templates to {OUT}")
