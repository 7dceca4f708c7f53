"""Uploads: recognised by content, refused when disguised, empty or too large."""

from __future__ import annotations

import struct
import zlib

import pytest

from voorportaal_dossier.domain import documents
from voorportaal_dossier.domain.documents import DocumentRefused, DocumentType


def _png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000") + b"\x00" * 16 + b"\xff\xd9"
PNG = _png()


@pytest.mark.parametrize(
    ("content", "name", "kind", "media_type"),
    [
        (PDF, "brief.pdf", DocumentType.PDF, "application/pdf"),
        (JPEG, "foto.JPG", DocumentType.JPEG, "image/jpeg"),
        (JPEG, "foto.jpeg", DocumentType.JPEG, "image/jpeg"),
        (PNG, "scan.png", DocumentType.PNG, "image/png"),
        (PNG, None, DocumentType.PNG, "image/png"),
        (PDF, "zonder-extensie", DocumentType.PDF, "application/pdf"),
    ],
)
def test_real_pdf_jpeg_and_png_are_accepted(
    content: bytes, name: str | None, kind: DocumentType, media_type: str
) -> None:
    checked = documents.check_upload(content, filename=name)
    assert (checked.type, checked.media_type, checked.size) == (kind, media_type, len(content))


@pytest.mark.parametrize(
    ("content", "name", "code", "says"),
    [
        (
            b"<!DOCTYPE html><html><body>factuur</body></html>",
            "factuur.pdf",
            "unsupported_type",
            "web page",
        ),
        (b"  <html><script>alert(1)</script>", "foto.jpg", "unsupported_type", "web page"),
        (b"PK\x03\x04\x14\x00\x00\x00", "brief.pdf", "unsupported_type", "ZIP"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "brief.pdf", "unsupported_type", "Windows program"),
        (b"\x7fELF\x02\x01\x01", "scan.png", "unsupported_type", "Linux program"),
        (b"GIF89a\x01\x00\x01\x00", "plaatje.png", "unsupported_type", "GIF"),
        (b"%PDX-1.4 not a pdf", "brief.pdf", "unsupported_type", "unknown type"),
        (b"\x89PNG\r\n\x1a\nnot a chunk", "scan.png", "unsupported_type", "unknown type"),
        (PNG, "scan.pdf", "type_mismatch", "PNG"),
        (PDF, "brief.exe", "type_mismatch", "PDF"),
        (b"", "leeg.pdf", "empty", "empty"),
    ],
)
def test_disguised_and_empty_files_are_refused_with_a_clear_reason(
    content: bytes, name: str, code: str, says: str
) -> None:
    with pytest.raises(DocumentRefused) as refused:
        documents.check_upload(content, filename=name)
    assert refused.value.code == code
    assert says in str(refused.value)
    assert refused.value.field == "file"


def test_a_file_over_the_limit_is_refused() -> None:
    big = PDF + b"0" * 2048
    with pytest.raises(DocumentRefused) as refused:
        documents.check_upload(big, max_bytes=1024)
    assert refused.value.code == "too_large"
    assert documents.check_upload(PDF, max_bytes=len(PDF)).size == len(PDF)


def test_documents_are_named_by_their_content_hash() -> None:
    checked = documents.check_upload(PDF, filename="brief.pdf")
    digest = checked.sha256
    assert len(digest) == 64
    assert checked.path == f"{digest[:2]}/{digest[2:4]}/{digest}"
    assert documents.check_upload(PDF, filename="kopie.pdf").path == checked.path
    assert documents.check_upload(PNG).path != checked.path


@pytest.mark.parametrize("bad", ["", "../../etc/passwd", "ABCDEF" * 11, "g" * 64])
def test_storage_paths_only_come_from_real_digests(bad: str) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        documents.storage_path(bad)
