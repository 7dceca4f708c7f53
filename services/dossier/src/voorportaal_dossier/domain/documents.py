"""Uploaded documents: checked by content (not by name), limited in size, named by hash.

Only PDF, JPEG and PNG are accepted, recognised by their magic bytes. A file whose name
promises one type while its content is another (an HTML page or a ZIP renamed to `.pdf`, an
executable renamed to `.jpg`) is refused, as is an empty or oversized file. A stored document
is named after the SHA-256 of its content (`ab/cd/abcd…`), so the same file is stored once and
its name reveals nothing about the citizen.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Final

from voorportaal_dossier.domain.errors import InvalidInput

DEFAULT_MAX_BYTES: Final = 10 * 1024 * 1024
_SHA256_HEX: Final = re.compile(r"[0-9a-f]{64}")


class DocumentType(StrEnum):
    """The accepted kinds of document."""

    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"


MEDIA_TYPES: Final = {
    DocumentType.PDF: "application/pdf",
    DocumentType.JPEG: "image/jpeg",
    DocumentType.PNG: "image/png",
}
EXTENSIONS: Final = {
    ".pdf": DocumentType.PDF,
    ".jpg": DocumentType.JPEG,
    ".jpeg": DocumentType.JPEG,
    ".png": DocumentType.PNG,
}

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
# What a disguised file most often really is, to say so in the refusal.
_KNOWN_OTHERS: Final = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"PK\x03\x04", "a ZIP archive (or Office document)"),
    (b"#!", "a script"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
)


class DocumentRefused(InvalidInput):
    """An upload was refused; `code` is `empty`, `too_large`, `unsupported_type` or
    `type_mismatch`, and the message says why in plain words."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__("file", reason)
        self.code = code


def _looks_like_markup(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    # <!doctype, <html, <?xml, <svg, <script …: any tag at the start is markup, not a document.
    return text.startswith(b"<")


def sniff(content: bytes) -> DocumentType | None:
    """The document type by magic bytes, or None when it is not an accepted type."""
    if content.startswith(b"%PDF-") and len(content) >= 8 and content[5:6].isdigit():
        return DocumentType.PDF
    if content.startswith(b"\xff\xd8\xff") and len(content) > 3:
        return DocumentType.JPEG
    if content.startswith(_PNG_SIGNATURE) and content[12:16] == b"IHDR":
        return DocumentType.PNG
    return None


def describe_unknown(content: bytes) -> str:
    """What an unaccepted file seems to be, for the refusal message."""
    for magic, what in _KNOWN_OTHERS:
        if content.startswith(magic):
            return what
    if _looks_like_markup(content[:512]):
        return "a web page or markup file"
    return "a file of an unknown type"


@dataclass(frozen=True, slots=True)
class CheckedDocument:
    """An accepted upload: its type, size and content address."""

    type: DocumentType
    media_type: str
    size: int
    sha256: str
    path: str
    """Where it is stored, relative to the documents folder: `ab/cd/<sha256>`."""


def content_address(content: bytes) -> str:
    """The SHA-256 of the content, as lowercase hex."""
    return hashlib.sha256(content).hexdigest()


def storage_path(digest: str) -> str:
    """`abcdef…` → `ab/cd/abcdef…`: two levels of folders keep directories small."""
    if not _SHA256_HEX.fullmatch(digest):
        raise ValueError("not a SHA-256 hex digest")
    return f"{digest[:2]}/{digest[2:4]}/{digest}"


def check_upload(
    content: bytes, *, filename: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> CheckedDocument:
    """Accept a PDF, JPEG or PNG within the size limit, or raise `DocumentRefused`."""
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive")
    if not content:
        raise DocumentRefused("empty", "the file is empty / het bestand is leeg")
    if len(content) > max_bytes:
        raise DocumentRefused(
            "too_large",
            f"the file is larger than {max_bytes // 1024} KiB / "
            f"het bestand is groter dan {max_bytes // 1024} KiB",
        )
    found = sniff(content)
    if found is None:
        raise DocumentRefused(
            "unsupported_type",
            f"only PDF, JPEG and PNG are accepted; this is {describe_unknown(content)} / "
            "alleen PDF, JPEG en PNG worden aangenomen; dit is een ander soort bestand",
        )
    if filename:
        suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
        named = EXTENSIONS.get(suffix)
        if suffix and named is not found:
            raise DocumentRefused(
                "type_mismatch",
                f"the file's name ends in {suffix[:16]} but it is a {found.value.upper()} / "
                f"de naam van het bestand eindigt op {suffix[:16]}, maar het is een "
                f"{found.value.upper()}",
            )
    digest = content_address(content)
    return CheckedDocument(found, MEDIA_TYPES[found], len(content), digest, storage_path(digest))
