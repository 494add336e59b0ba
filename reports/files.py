"""The original report file: PDF, DOCX or XLSX, recognised by its content, never by its name."""
from dataclasses import dataclass
import zipfile

from mttq_portal.vietnamese import slugify_vi

MAX_REPORT_FILE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000

KINDS = {
    "pdf": ("application/pdf", "PDF"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (DOCX)"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)"),
}
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "xlsx": "xlsx"}


class ReportFileRejected(ValueError):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class ReportFileInfo:
    kind: str
    content_type: str
    size: int


def _detect(upload):
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                entries = archive.infolist()
                if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNZIPPED_BYTES:
                    raise ReportFileRejected("Tệp nén bên trong quá lớn, không thể nhận an toàn.")
                names = {e.filename for e in entries}
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
    return None


def report_file_validate(upload):
    """Return what the file is, or raise ReportFileRejected with a Vietnamese sentence."""
    name = getattr(upload, "name", "") or "tệp"
    if upload.size > MAX_REPORT_FILE_BYTES:
        raise ReportFileRejected(
            f"Tệp «{name}» quá lớn ({upload.size / 1024 / 1024:.1f} MB). Dung lượng tối đa là 20 MB."
        )
    if upload.size == 0:
        raise ReportFileRejected(f"Tệp «{name}» rỗng.")
    kind = _detect(upload)
    if kind is None:
        raise ReportFileRejected(
            f"Tệp «{name}» không phải là PDF, Word (DOCX) hay Excel (XLSX) hợp lệ. "
            "Chỉ nhận các loại tệp này; tệp .doc, .xls cũ hãy lưu lại sang định dạng mới."
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension and extension != EXTENSIONS[kind]:
        raise ReportFileRejected(
            f"Tệp «{name}» có đuôi .{extension} nhưng nội dung là {KINDS[kind][1]}. Hãy đổi đúng đuôi tệp."
        )
    return ReportFileInfo(kind=kind, content_type=KINDS[kind][0], size=upload.size)


def report_download_name(report, kind):
    """A safe name for the download: the title's letters, no path, no quotes."""
    base = slugify_vi(f"bao-cao {report.body.name} {report.period_label}", max_length=120) or "bao-cao"
    return f"{base}.{EXTENSIONS.get(kind, 'bin')}"
