#!/usr/bin/env python3
"""Writes the first edition of the Word templates of the acts of prosecutorial response
(assets/acts/<kind>.<lang>.docx, Russian and Kazakh) with python-docx.

The templates are the lawyers' from then on: they edit them in Word or LibreOffice, and
`ekn act templates check` tells them which placeholders the product knows. This script only
exists so the first edition can be rebuilt and reviewed as text; running it overwrites edits.
Some placeholders are deliberately split across runs with different formatting, as Word
does when a person edits inside one, so the product's filling is tested against that.

Usage: python3 scripts/make-act-templates.py [OUT_DIR] [--only KIND]   (pip install python-docx==1.2.0)
"""
import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

ARGS = [a for i, a in enumerate(sys.argv[1:], 1) if a != "--only" and sys.argv[i - 1] != "--only"]
OUT = Path(ARGS[0] if ARGS else Path(__file__).resolve().parent.parent / "assets" / "acts")

# Words of the templates, per language. The act-specific text is in ACTS below.
COMMON = {
    "ru": {
        "date_no": "{{ date }}                                                            № ________",
        "object": ["Прокуратурой изучены сведения о субъекте ", "{{ obj", "ect.name }}", " (БИН {{ object.bin }}, КАТО {{ object.kato }}, ОКЭД {{ object.oked }})."],
        "established": "По данным реестра проверок и обращений: {{ facts.summary }}",
        "violations_head": ["Учётный №", "Дата", "Орган контроля", "Нарушений", "Меры"],
        "illegal_head": ["Учётный №", "Дата", "Орган контроля", "Вид проверки"],
        "appeals_head": ["№ обращения", "Поступило", "Категория", "Статус"],
        "norms": "Нарушены требования: {{ norms.breached }}",
        "period": "Срок рассмотрения: {{ period.text }}. Основание: {{ period.basis }}. {{ period.note }}",
        "period_execution": "Срок исполнения: {{ period.text }}. Основание: {{ period.basis }}. {{ period.note }}",
        "control": "Контроль исполнения: {{ control.metrics }} Срок контроля: {{ control.deadline }}.",
        "sign": "{{ prosecutor.position }}                    ____________ {{ prosecutor.name }}",
    },
    "kk": {
        "date_no": "{{ date }}                                                            № ________",
        "object": ["Прокуратура субъект туралы мәліметтерді зерделеді: ", "{{ obj", "ect.name }}", " (БСН {{ object.bin }}, ӘАОЖ {{ object.kato }}, ЭҚЖЖ {{ object.oked }})."],
        "established": "Тексерулер мен өтініштер тізілімінің деректері бойынша: {{ facts.summary }}",
        "violations_head": ["Есепке алу №", "Күні", "Бақылау органы", "Бұзушылықтар", "Шаралар"],
        "illegal_head": ["Есепке алу №", "Күні", "Бақылау органы", "Тексеру түрі"],
        "appeals_head": ["Өтініш №", "Түскен күні", "Санаты", "Мәртебесі"],
        "norms": "Мына талаптар бұзылған: {{ norms.breached }}",
        "period": "Қарау мерзімі: {{ period.text }}. Негізі: {{ period.basis }}. {{ period.note }}",
        "period_execution": "Орындау мерзімі: {{ period.text }}. Негізі: {{ period.basis }}. {{ period.note }}",
        "control": "Орындалуын бақылау: {{ control.metrics }} Бақылау мерзімі: {{ control.deadline }}.",
        "sign": "{{ prosecutor.position }}                    ____________ {{ prosecutor.name }}",
    },
}

ROWS = {
    "violations": ("v", ["{{ v.no }}", "{{ v.date }}", "{{ v.body }}", "{{ v.count }}", "{{ v.sanctions }}"]),
    "illegal": ("i", ["{{ i.no }}", "{{ i.date }}", "{{ i.body }}", "{{ i.kind }}"]),
    "appeals": ("a", ["{{ a.no }}", "{{ a.date }}", "{{ a.category }}", "{{ a.status }}"]),
}

# Each act: title, subtitle, the tables of facts it cites, whether it states breached norms,
# its demand and whether it carries a period and control of execution.
ACTS = {
    "submission": {
        "tables": ["violations"],
        "ru": ("ПРЕДСТАВЛЕНИЕ", "об устранении нарушений закона, их причин и условий",
               "На основании изложенного, руководствуясь Конституционным законом «О прокуратуре», ТРЕБУЮ:"),
        "kk": ("ҰСЫНУ", "заң бұзушылықтарды, олардың себептері мен жағдайларын жою туралы",
               "Баяндалғанның негізінде, «Прокуратура туралы» Конституциялық заңды басшылыққа ала отырып, ТАЛАП ЕТЕМІН:"),
    },
    "protest": {
        "tables": ["illegal", "violations"],
        "ru": ("ПРОТЕСТ", "на незаконный акт (действие) органа контроля",
               "На основании изложенного, руководствуясь Конституционным законом «О прокуратуре», ПРЕДЛАГАЮ:"),
        "kk": ("НАРАЗЫЛЫҚ", "бақылау органының заңсыз актісіне (әрекетіне)",
               "Баяндалғанның негізінде, «Прокуратура туралы» Конституциялық заңды басшылыққа ала отырып, ҰСЫНАМЫН:"),
    },
    "order": {
        "tables": ["violations"],
        "ru": ("ПРЕДПИСАНИЕ", "об устранении нарушений закона",
               "На основании изложенного, руководствуясь Конституционным законом «О прокуратуре», ПРЕДПИСЫВАЮ:"),
        "kk": ("НҰСҚАМА", "заң бұзушылықтарды жою туралы",
               "Баяндалғанның негізінде, «Прокуратура туралы» Конституциялық заңды басшылыққа ала отырып, НҰСҚАЙМЫН:"),
    },
    # The act of Constitutional Law 155-VII art. 37: executed within the period it sets itself.
    "resolution": {
        "tables": ["violations"],
        "ru": ("ПОСТАНОВЛЕНИЕ", "об устранении нарушений закона",
               "На основании изложенного, руководствуясь статьёй 37 Конституционного закона «О прокуратуре», ПОСТАНОВИЛ:"),
        "kk": ("ҚАУЛЫ", "заң бұзушылықтарды жою туралы",
               "Баяндалғанның негізінде, «Прокуратура туралы» Конституциялық заңның 37-бабын басшылыққа ала отырып, ҚАУЛЫ ЕТТІМ:"),
    },
    "warning": {
        "tables": ["violations"],
        "ru": ("ПРЕДОСТЕРЕЖЕНИЕ", "о недопустимости нарушения закона",
               "Руководствуясь Конституционным законом «О прокуратуре», ПРЕДОСТЕРЕГАЮ о недопустимости:"),
        "kk": ("ЕСКЕРТУ", "заң бұзушылыққа жол берілмейтіні туралы",
               "«Прокуратура туралы» Конституциялық заңды басшылыққа ала отырып, мыналарға жол берілмейтіні туралы ЕСКЕРТЕМІН:"),
    },
    "appeal-answer": {
        "tables": ["appeals"],
        "ru": ("ОТВЕТ НА ОБРАЩЕНИЕ", "№ {{ appeal.no }} от {{ appeal.received }} ({{ appeal.category }})",
               "По результатам рассмотрения обращения сообщаю:"),
        "kk": ("ӨТІНІШКЕ ЖАУАП", "{{ appeal.received }} № {{ appeal.no }} ({{ appeal.category }})",
               "Өтінішті қарау нәтижелері бойынша хабарлаймын:"),
    },
}


def paragraph(doc, text, bold=False, align=None):
    p = doc.add_paragraph()
    if isinstance(text, list):
        for index, part in enumerate(text):
            run = p.add_run(part)
            # Word splits a placeholder into runs when part of it is formatted differently.
            run.italic = index == 2
    else:
        p.add_run(text).bold = bold
    if align is not None:
        p.alignment = align
    return p


def table(doc, head, variable, path, cells):
    t = doc.add_table(rows=4, cols=len(head))
    t.style = "Table Grid"
    for index, word in enumerate(head):
        t.cell(0, index).text = word
    t.cell(1, 0).text = "{% for " + variable + " in facts." + path + " %}"
    for index, cell in enumerate(cells):
        t.cell(2, index).text = cell
    t.cell(3, 0).text = "{% endfor %}"


def write(kind, lang):
    words = COMMON[lang]
    title, subtitle, demand = ACTS[kind][lang]
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.text = "{{ office.name }}        {{ draft.mark }}"
    footer = section.footer.paragraphs[0]
    footer.text = "{{ draft.footer }}"
    paragraph(doc, "{{ addressee.position }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(doc, "{{ addressee.name }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(doc, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(doc, subtitle, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(doc, words["date_no"])
    paragraph(doc, words["object"])
    paragraph(doc, words["established"])
    for name in ACTS[kind]["tables"]:
        variable, cells = ROWS[name]
        table(doc, words[name + "_head"], variable, name, cells)
    if kind != "appeal-answer":
        paragraph(doc, words["norms"])
    paragraph(doc, demand)
    paragraph(doc, "{% for r in requirements %}")
    paragraph(doc, "{{ r.n }}. {{ r.text }}")
    paragraph(doc, "{% endfor %}")
    if kind == "resolution":
        paragraph(doc, words["period_execution"])
    elif kind != "warning":
        paragraph(doc, words["period"])
    if kind in ("submission", "protest", "order", "resolution"):
        paragraph(doc, words["control"])
    paragraph(doc, "")
    paragraph(doc, words["sign"])
    OUT.mkdir(parents=True, exist_ok=True)
    doc.save(OUT / f"{kind}.{lang}.docx")


# `--only KIND` writes one act's templates, leaving the others (and the lawyers' edits) alone.
ONLY = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
KINDS = [ONLY] if ONLY else list(ACTS)
for kind in KINDS:
    for lang in ("ru", "kk"):
        write(kind, lang)
print(f"wrote {len(KINDS) * 2} templates to {OUT}")
