"""zibo_edu.lib.uploads.checked: the one upload check the ledger's evidence and targets'
documents share (type by extension, size, content), with the caller's own rules."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zibo_edu.lib import uploads

ALLOWED = {"pdf": "application/pdf", "txt": "text/plain"}


def problem(upload, limit=1024, field="file") -> str:
    with pytest.raises(ValidationError) as raised:
        uploads.checked(upload, ALLOWED, limit, field)
    return " ".join(raised.value.message_dict[field])


def test_a_file_that_is_what_its_name_says_gets_its_type():
    assert uploads.checked(SimpleUploadedFile("a.PDF", b"%PDF-1.7\n"), ALLOWED, 1024) == (
        "application/pdf"
    )
    assert uploads.checked(SimpleUploadedFile("说明.txt", "演示".encode()), ALLOWED, 1024) == (
        "text/plain"
    )


def test_a_type_not_allowed_is_named_with_the_allowed_ones():
    assert problem(SimpleUploadedFile("macro.xlsm", b"PK")) == (
        "macro.xlsm：不接受 .xlsm 类型的文件（允许：pdf, txt）。"
    )
    assert ".? 类型" in problem(SimpleUploadedFile("noextension", b"%PDF"))


def test_too_large_says_the_size_and_the_limit():
    big = SimpleUploadedFile("big.txt", b"x" * (3 * 2**20))
    assert problem(big, limit=2 * 2**20) == "big.txt 大小为 3.0 MB；最大 2.0 MB。"


def test_content_not_of_the_named_type_is_refused_on_the_callers_field():
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 an executable")
    assert "文件内容不是 .pdf 格式" in problem(fake, field="document")
