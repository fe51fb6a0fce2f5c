#!/usr/bin/env python3
"""The demo's two documents (issue 64: `ekn init --demo` attaches a born-digital PDF and a scan, so
the card's evidence block, the document viewer and the chronology from documents have something true
to show from the first start). Written here for a demo object — ТОО «Логистик Әлем», BIN
231242000047, district 1940 of the seed-2024 demo data, whose objects are the same whatever day the
demo is made for — by a person, not by the reader's generators:

- `submission.pdf`: the district prosecutor's submission (Russian), HTML printed by Debian's
  Chromium (`--print-to-pdf`): a born-digital PDF with a text layer;
- `answer.scan.jpg`: the company's answer (Kazakh), printed the same way, rasterised by poppler's
  `pdftoppm` at 200 dpi in grey, turned 1.2°, with paper noise, saved as JPEG quality 60 by Pillow —
  a phone-like scan that only OCR reads.

Rerun: `python3 scripts/documents/make_demo_documents.py fixtures/demo/documents` (needs chromium,
poppler-utils and python3-pil). The bytes differ from run to run (Chromium stamps the PDF's time);
the texts do not.
"""

import os
import random
import subprocess
import sys
import tempfile

from PIL import Image, ImageFilter

STYLE = """
@page { size: A4; margin: 22mm 18mm 20mm 25mm; }
body { font-family: 'DejaVu Serif', 'Liberation Serif', serif; font-size: 12.5pt; line-height: 1.45; }
.head { text-align: center; font-weight: bold; }
.right { margin-left: 42%; }
.title { text-align: center; font-weight: bold; margin-top: 18pt; }
p { text-align: justify; margin: 6pt 0; text-indent: 1.2cm; }
p.plain { text-indent: 0; }
.sign { margin-top: 26pt; display: flex; justify-content: space-between; }
"""

SUBMISSION = """<!doctype html><html lang="ru"><meta charset="utf-8"><style>{style}</style><body>
<div class="head">ПРОКУРАТУРА АЛМАТИНСКОЙ ОБЛАСТИ<br>ПРОКУРАТУРА ЕНБЕКШИКАЗАХСКОГО РАЙОНА</div>
<p class="plain">Исх. № 2-19-26/3417 от 14.10.2026 г.</p>
<div class="right">Директору ТОО «Логистик Әлем»<br>БИН 231242000047<br>Алматинская область, Енбекшиказахский район</div>
<div class="title">ПРЕДСТАВЛЕНИЕ<br>об устранении нарушений законности</div>
<p>Прокуратурой Енбекшиказахского района проведена проверка соблюдения трудового законодательства
в ТОО «Логистик Әлем» (БИН 231242000047) по обращению работников предприятия.</p>
<p>Проверкой установлено, что в нарушение требований статьи 113 Трудового кодекса Республики Казахстан
заработная плата работникам за июль и август 2026 года не выплачена; задолженность по заработной плате
составила 4 350 000 (четыре миллиона триста пятьдесят тысяч) тенге. За указанное нарушение
частью 1 статьи 87 Кодекса Республики Казахстан об административных правонарушениях предусмотрена
административная ответственность.</p>
<p>На основании изложенного, руководствуясь статьёй 26 Закона Республики Казахстан «О прокуратуре»,
ТРЕБУЮ:</p>
<p>1. Безотлагательно рассмотреть настоящее представление с участием работника прокуратуры района.</p>
<p>2. Принять меры к погашению задолженности по заработной плате и устранению причин и условий,
способствовавших нарушению закона.</p>
<p>3. О результатах рассмотрения сообщить в прокуратуру района в течение 30 календарных дней.</p>
<div class="sign"><span>Прокурор района<br>советник юстиции</span><span><br>А. Серіков</span></div>
</body></html>"""

ANSWER = """<!doctype html><html lang="kk"><meta charset="utf-8"><style>{style}</style><body>
<div class="head">«ЛОГИСТИК ӘЛЕМ» ЖАУАПКЕРШІЛІГІ ШЕКТЕУЛІ СЕРІКТЕСТІГІ<br>БСН 231242000047</div>
<p class="plain">Шығ. № 118 06.11.2026 ж.</p>
<div class="right">Еңбекшіқазақ ауданының прокурорына<br>әділет кеңесшісі А. Серіковке</div>
<p>Сіздің 2026 жылғы 14 қазандағы № 2-19-26/3417 ұсынысыңызға жауап ретінде хабарлаймыз.</p>
<p>Ұсыныс аудан прокуратурасы қызметкерінің қатысуымен қаралды және қанағаттандырылды.
Жалақы бойынша берешек 4 350 000 (төрт миллион үш жүз елу мың) теңге 2026 жылғы 30 қазанда
жұмыскерлерге толық өтелді, бұзушылыққа жол берген лауазымды адам тәртіптік жауапкершілікке тартылды.</p>
<p>Төлем құжаттарының көшірмелері қоса беріледі.</p>
<div class="sign"><span>Директор</span><span>Б. Әлімов</span></div>
</body></html>"""


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        for folder in os.environ.get("PATH", "").split(os.pathsep):
            if os.access(os.path.join(folder, name), os.X_OK):
                return os.path.join(folder, name)
    sys.exit("chromium is not installed")


def print_pdf(html, pdf, work):
    page = os.path.join(work, "page.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write(html.format(style=STYLE))
    subprocess.run([chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--user-data-dir={os.path.join(work, 'profile')}", f"--print-to-pdf={pdf}", f"file://{page}"],
                   check=True, capture_output=True)


def scan(pdf, jpg, work):
    stem = os.path.join(work, "page")
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", pdf, stem], check=True)
    page = Image.open(stem + ".png").convert("L")
    rng = random.Random(64)
    page = page.rotate(1.2, resample=Image.BICUBIC, expand=True, fillcolor=235)
    # Paper that is not white, ink that is not black, a little grain and blur.
    noisy = page.point(lambda v: int(40 + v * 0.78))
    pixels = noisy.load()
    width, height = noisy.size
    for _ in range(width * height // 40):
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = max(0, min(255, pixels[x, y] + rng.randint(-40, 40)))
    noisy = noisy.filter(ImageFilter.GaussianBlur(0.6))
    noisy.save(jpg, "JPEG", quality=60)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "fixtures/demo/documents"
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        print_pdf(SUBMISSION, os.path.join(out, "submission.pdf"), work)
        answer_pdf = os.path.join(work, "answer.pdf")
        print_pdf(ANSWER, answer_pdf, work)
        scan(answer_pdf, os.path.join(out, "answer.scan.jpg"), work)


if __name__ == "__main__":
    main()
