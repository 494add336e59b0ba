"""Demo reports for `load_demo`: two reporting bodies, three years, two periods a year, with key
figures, so every chart has six points. Invented figures, written in Vietnamese."""
from datetime import date, datetime, time
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from communes.models import Commune
from mttq_portal.vietnamese import VN_TZ

from .models import FigureDefinition, Period, ReportFigure, ReportingBody, ReportSummary
from .services import report_prepare

BODIES = ["Ủy ban MTTQ", "Hội Nông dân", "Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên", "Hội Cựu chiến binh", "Công đoàn"]
FIGURES = [
    ("Quỹ Vì người nghèo", "triệu đồng"),
    ("Nhà Đại đoàn kết", "căn"),
    ("Tỷ lệ hài lòng", "%"),
    ("Số hộ nghèo", "hộ"),
    ("Hội viên mới", "người"),
]
CONFERENCES = {Period.H1: ("Hội nghị sơ kết", 7, 4), Period.YEAR: ("Hội nghị tổng kết", 12, 18)}


def _pdf(text):
    """A small, valid one-page PDF (ASCII text: the demo needs a real file, not a pretty one)."""
    stream = f"BT /F1 14 Tf 60 780 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def demo_reports_load(*, stdout):
    this_year = timezone.now().year
    for code in ("thanhmien", "saovang"):
        commune = Commune.objects.filter(code=code).first()
        if commune is None or ReportSummary.objects.filter(commune=commune).exists():
            continue
        bodies = [ReportingBody.objects.get_or_create(commune=commune, name=name, defaults={"position": i})[0]
                  for i, name in enumerate(BODIES)]
        figures = [FigureDefinition.objects.get_or_create(commune=commune, name=name, defaults={"unit": unit,
                   "position": i})[0] for i, (name, unit) in enumerate(FIGURES)]
        short = commune.name[0].lower() + commune.name[1:]
        count = 0
        for body_index, body in enumerate(bodies[:2]):
            for step, year in enumerate(range(this_year - 3, this_year)):
                for period in (Period.H1, Period.YEAR):
                    conference, month, day = CONFERENCES[period]
                    kind = "sơ kết 6 tháng đầu năm" if period == Period.H1 else "tổng kết năm"
                    report = ReportSummary(
                        commune=commune, body=body, year=year, period=period,
                        title=f"Báo cáo {kind} {year} của {body.name} {short}",
                        conference=f"{conference} lần thứ {2 * step + (1 if period == Period.H1 else 2)}",
                        conference_date=date(year, month, day),
                        achievements=(
                            f"<p>{body.name} đã bám sát chương trình phối hợp và thống nhất hành động, "
                            "tuyên truyền, vận động Nhân dân thực hiện tốt chủ trương của Đảng, chính sách, pháp luật "
                            "của Nhà nước.</p><ul><li>Vận động ủng hộ Quỹ Vì người nghèo vượt kế hoạch.</li>"
                            "<li>Hỗ trợ xây dựng nhà Đại đoàn kết cho hộ nghèo.</li></ul>"
                        ),
                        shortcomings="<p>Công tác nắm bắt tình hình Nhân dân ở một số khu dân cư chưa thường "
                                     "xuyên; chế độ báo cáo còn chậm.</p>",
                        directions="<p>Tiếp tục đẩy mạnh cuộc vận động «Toàn dân đoàn kết xây dựng nông thôn mới, "
                                   "đô thị văn minh»; nâng cao chất lượng giám sát, phản biện xã hội.</p>",
                        signatory="TM. Ban Thường trực" if body_index == 0 else f"TM. {body.name}",
                        status=ReportSummary.Status.PUBLISHED,
                        published_at=datetime.combine(date(year, month, day), time(9, 0), tzinfo=VN_TZ),
                    )
                    report_prepare(report)
                    pdf = _pdf(f"Bao cao {year} - {code} - {body.slug} - {period}")
                    report.original_file.save(f"bao-cao-{code}-{year}-{period}.pdf", ContentFile(pdf), save=False)
                    report.original_filename = f"bao-cao-{year}.pdf"
                    report.original_content_type = "application/pdf"
                    report.original_size = len(pdf)
                    report.save()
                    growth = step * 2 + (0 if period == Period.H1 else 1)
                    values = [
                        Decimal(60 + 15 * growth + 10 * body_index) * (Decimal("0.5") if period == Period.H1 else 1),
                        Decimal(1 + growth % 3),
                        Decimal("95.5") + Decimal(growth) * Decimal("0.6"),
                        Decimal(48 - 4 * growth),
                        Decimal(20 + 3 * growth),
                    ]
                    for definition, value in zip(figures, values, strict=True):
                        ReportFigure.objects.create(report=report, definition=definition, value=value,
                                                    target=value + 5 if definition.unit == "triệu đồng" else None)
                    count += 1
        stdout.write(f"  Báo cáo mẫu: {commune.name} — {count} báo cáo của 2 cơ quan trong 3 năm.")
