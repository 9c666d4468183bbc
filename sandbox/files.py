"""Files the bot and the personas send: kept in memory under Telegram-like file ids."""

from __future__ import annotations

import hashlib
import mimetypes
import struct
from dataclasses import dataclass, field
from typing import Any

# Telegram's limits: bots upload documents up to 50 MB and photos up to 10 MB, and download
# files up to 20 MB.
DOCUMENT_LIMIT = 50 * 1024 * 1024
PHOTO_LIMIT = 10 * 1024 * 1024
DOWNLOAD_LIMIT = 20 * 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    filename: str
    mime_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    def document(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.filename,
            "mime_type": self.mime_type,
            "file_size": self.size,
        }

    def file(self) -> dict[str, Any]:
        """Telegram's File object (getFile)."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


@dataclass
class FileStore:
    files: dict[str, StoredFile] = field(default_factory=dict)
    by_path: dict[str, StoredFile] = field(default_factory=dict)

    def add(
        self, data: bytes, filename: str, mime_type: str = "", folder: str = "documents"
    ) -> StoredFile:
        digest = hashlib.sha256(data).hexdigest()
        number = len(self.files) + 1
        filename = filename or f"file_{number}"
        mime_type = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = StoredFile(
            file_id=f"BQAD{number:06d}{digest[:24]}",
            file_unique_id=f"AgAD{digest[:12]}",
            file_path=f"{folder}/file_{number}{_suffix(filename)}",
            filename=filename,
            mime_type=mime_type,
            data=data,
        )
        self.files[stored.file_id] = stored
        self.by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self.files.get(file_id)


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    suffix = filename[dot:] if dot > 0 else ""
    return suffix if suffix[1:].isalnum() and len(suffix) <= 8 else ""


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG image; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data) and data[i] == 0xFF:
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return None
