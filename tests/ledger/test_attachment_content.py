"""Evidence files are checked by their content, not only by their name (issue 18, §3)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ledger import ledger
from ledger.models import Attachment, LedgerChange

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = _zip(["[Content_Types].xml", "word/document.xml"])
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!doctype html><script>alert(document.cookie)</script>"

ACCEPTED = [
    ("总结.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
    ("总结.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("数据.xlsx", DOCX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32, "application/vnd.ms-excel"),
    ("照片.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
    ("照片.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    ("动图.gif", b"GIF89a\x01\x00\x01\x00", "image/gif"),
    ("说明.txt", "\ufeff全市共建成32所学校。\n".encode(), "text/plain"),
]

REFUSED = [
    ("report.pdf", MZ),
    ("evidence.png", HTML),
    ("照片.jpg", b"\x89PNG\r\n\x1a\n"),
    ("总结.docx", b"PK\x03\x04 not really a zip"),
    ("总结.docx", _zip(["evil.exe"])),
    ("数据.xlsx", MZ),
    ("旧表.doc", b"%PDF-1.4"),
    ("动图.gif", HTML),
    ("说明.txt", MZ),
    ("说明.txt", "GBK 编码".encode("gbk")),
    ("空.pdf", b""),
]


@pytest.mark.parametrize(
    ("name", "content", "content_type"), ACCEPTED, ids=[a[2] for a in ACCEPTED]
)
def test_a_file_whose_content_matches_its_extension_is_kept(
    open_round, fitness_task, head_sports, sports_bureau, name, content, content_type
):
    contribution = ledger.contribution_for(open_round, fitness_task, sports_bureau)
    attachment = ledger.add_attachment(contribution, SimpleUploadedFile(name, content), head_sports)
    assert attachment.content_type == content_type
    assert attachment.file.read() == content


@pytest.mark.parametrize(
    ("name", "content"), REFUSED, ids=[f"{n}-{i}" for i, (n, _c) in enumerate(REFUSED)]
)
def test_a_file_whose_content_is_not_what_its_extension_says_is_refused(
    open_round, fitness_task, head_sports, sports_bureau, name, content
):
    contribution = ledger.contribution_for(open_round, fitness_task, sports_bureau)
    with pytest.raises(ValidationError, match="文件内容不是"):
        ledger.add_attachment(contribution, SimpleUploadedFile(name, content), head_sports)
    assert not Attachment.objects.exists()


def test_an_executable_named_pdf_is_refused_on_the_form_and_saves_nothing(
    client, settings, open_round, fitness_task, head_sports
):
    client.force_login(head_sports)
    response = client.post(
        f"/ledger/rounds/{open_round.pk}/tasks/{fitness_task.pk}/contribution/",
        {"text": "x", "version": 0, "action": "save", "file": SimpleUploadedFile("报告.pdf", MZ)},
    )
    assert response.status_code == 400
    assert "报告.pdf" in response.content.decode()
    assert not LedgerChange.objects.exists()
    assert not Attachment.objects.exists()
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*")), "no file stored"


def test_a_300_character_name_keeps_its_extension(
    client, open_round, fitness_task, head_sports, sports_bureau
):
    contribution = ledger.contribution_for(open_round, fitness_task, sports_bureau)
    name = "很长的文件名" * 50 + ".pdf"
    assert len(name) == 304
    attachment = ledger.add_attachment(
        contribution, SimpleUploadedFile(name, b"%PDF-1.4"), head_sports
    )
    attachment.refresh_from_db()
    assert attachment.name == name[:196] + ".pdf"
    assert attachment.file.name.endswith(".pdf")
    client.force_login(head_sports)
    download = client.get(f"/ledger/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith(".pdf")


def test_an_extension_added_to_the_settings_without_a_content_check_lets_nothing_in(
    settings, open_round, fitness_task, head_sports, sports_bureau
):
    settings.LEDGER_ATTACHMENT_TYPES = {**settings.LEDGER_ATTACHMENT_TYPES, "svg": "image/svg+xml"}
    contribution = ledger.contribution_for(open_round, fitness_task, sports_bureau)
    with pytest.raises(ValidationError, match="文件内容不是"):
        ledger.add_attachment(
            contribution, SimpleUploadedFile("图.svg", b"<svg onload=alert(1)/>"), head_sports
        )
