"""Is an uploaded file what its name says? The one rule for the content of evidence files.

A file's extension is the uploader's claim; its first bytes are the fact. An executable named
`report.pdf` or a web page named `evidence.png` would otherwise be stored and handed out again
under a trusted type. `matches(upload, content_type)` checks the content against the type the
extension maps to (settings.LEDGER_ATTACHMENT_TYPES): PDF, Office Open XML (a zip holding
`[Content_Types].xml`), the older Office files (OLE2), PNG, JPEG, GIF, and UTF-8 plain text. A
type without a check here is refused: an extension added to the settings alone lets nothing in.
"""

import codecs
import zipfile
from collections.abc import Callable, Mapping
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHUNK = 64 * 1024


def _head(file: IO[bytes], size: int = 16) -> bytes:
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def _starts_with(*magics: bytes) -> Callable[[IO[bytes]], bool]:
    def check(file: IO[bytes]) -> bool:
        head = _head(file)
        return any(head.startswith(magic) for magic in magics)

    return check


def _office_open_xml(file: IO[bytes]) -> bool:
    """A zip whose directory names `[Content_Types].xml` (read from the central directory only,
    so a zip bomb is never inflated)."""
    if not _head(file).startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(file) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        file.seek(0)


def _utf8_text(file: IO[bytes]) -> bool:
    """UTF-8 throughout (a BOM allowed), and no NUL byte: no binary renamed `.txt`."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    file.seek(0)
    try:
        while chunk := file.read(CHUNK):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        file.seek(0)
    return True


CHECKS: dict[str, Callable[[IO[bytes]], bool]] = {
    "application/pdf": _starts_with(b"%PDF"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _office_open_xml,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _office_open_xml,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": _office_open_xml,
    "application/msword": _starts_with(OLE2),
    "application/vnd.ms-excel": _starts_with(OLE2),
    "image/png": _starts_with(b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": _starts_with(b"\xff\xd8\xff"),
    "image/gif": _starts_with(b"GIF87a", b"GIF89a"),
    "text/plain": _utf8_text,
}


def matches(upload, content_type: str) -> bool:
    """Whether the upload's content is of `content_type`; False for a type with no check."""
    check = CHECKS.get(content_type)
    if check is None:
        return False
    file = upload.file if hasattr(upload, "file") else upload
    return check(file)


def checked(upload, allowed: Mapping[str, str], limit: int, field: str = "file") -> str:
    """The type to store an upload under, or a ValidationError (on `field`) naming the file and
    the rule it breaks: its extension among `allowed` (extension → content type), at most `limit`
    bytes, and content that `matches` the type its extension says. The callers pass their own
    settings (the ledger's evidence and targets' documents share LEDGER_ATTACHMENT_*)."""
    name = upload.name or "file"
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in allowed:
        raise ValidationError(
            {
                field: _("%(name)s: files of type .%(suffix)s are not accepted (allowed: %(ok)s).")
                % {"name": name, "suffix": suffix or "?", "ok": ", ".join(sorted(allowed))}
            }
        )
    if upload.size > limit:
        raise ValidationError(
            {
                field: _("%(name)s is %(size)s MB; at most %(limit)s MB.")
                % {
                    "name": name,
                    "size": round(upload.size / 2**20, 1),
                    "limit": round(limit / 2**20, 1),
                }
            }
        )
    content_type = allowed[suffix]
    if not matches(upload, content_type):
        raise ValidationError(
            {
                field: _(
                    "%(name)s: its content is not a .%(suffix)s file. Upload the document itself, "
                    "saved in the format its name says."
                )
                % {"name": name, "suffix": suffix}
            }
        )
    return content_type


def shortened_name(name: str, limit: int) -> str:
    """`name` in at most `limit` characters, keeping its extension (a long name loses the end
    of its stem, never the `.pdf` that says what it is)."""
    if len(name) <= limit:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) + 2 > limit:
        return name[:limit]
    return f"{stem[: limit - len(suffix) - 1]}.{suffix}"


def evidence(upload, field: str = "file") -> str:
    """`checked` under the site's rules for evidence (settings.LEDGER_ATTACHMENT_TYPES and
    LEDGER_ATTACHMENT_MAX_BYTES): the ledger's evidence, a goal's document, a 督导 item's
    evidence. The type to store the file under, or a ValidationError naming the rule broken."""
    return checked(
        upload, settings.LEDGER_ATTACHMENT_TYPES, settings.LEDGER_ATTACHMENT_MAX_BYTES, field
    )
