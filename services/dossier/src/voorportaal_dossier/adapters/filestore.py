"""Documents on disk, named by the SHA-256 of their content (`ab/cd/<sha256>`)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from voorportaal_dossier.domain.documents import storage_path


class DocumentStore:
    """A content-addressed folder: the same file is stored once, its name reveals nothing."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def path(self, sha256: str) -> Path:
        """Where the document with this hash lives."""
        return self._root / storage_path(sha256)

    def put(self, sha256: str, content: bytes) -> None:
        """Store the content atomically (a crash never leaves half a file under its name)."""
        target = self.path(sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, sha256: str) -> bytes | None:
        """The content, or None when the file is gone."""
        target = self.path(sha256)
        return target.read_bytes() if target.exists() else None

    def delete(self, sha256: str) -> None:
        """Remove the file (retention)."""
        self.path(sha256).unlink(missing_ok=True)
