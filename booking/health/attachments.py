"""Health-check attachments (a photo or PDF of the paper form).

Files live outside the web root under TUOWEI_UPLOAD_DIR, under a random name, and are
served only through a view that applies the same rules as `services.read`. The real type
is read from the file's first bytes, not trusted from the name or the browser.
"""
import os
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from ..errors import ValidationFailed

# magic bytes → (MIME type, file suffix)
_SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
_SUFFIXES = {"application/pdf": {".pdf"}, "image/png": {".png"},
             "image/jpeg": {".jpg", ".jpeg"}}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def max_bytes() -> int:
    return int(current_app.config.get("TUOWEI_MAX_ATTACHMENT_BYTES") or DEFAULT_MAX_BYTES)


def sniff(head: bytes) -> str | None:
    for magic, mime, _suffix in _SIGNATURES:
        if head.startswith(magic):
            return mime
    return None


def upload_dir() -> Path:
    return Path(current_app.config["TUOWEI_UPLOAD_DIR"])


def store(storage) -> tuple[str, str, int]:
    """Check and save an uploaded file (werkzeug FileStorage). Returns (name, type, size).

    :raises ValidationFailed: (field `attachment`) not a JPG/PNG/PDF by content, the name's
        extension does not match the content, empty, or over the size limit. Nothing is
        written when it fails.
    """
    data = storage.read(max_bytes() + 1)
    if not data:
        raise ValidationFailed(errors={"attachment": [_("上传的文件是空的")]})
    if len(data) > max_bytes():
        raise ValidationFailed(errors={"attachment": [
            _("文件不能超过 %(mb)s MB", mb=max_bytes() // (1024 * 1024))]})
    mime = sniff(data[:16])
    suffix = Path(storage.filename or "").suffix.lower()
    if mime is None or suffix not in _SUFFIXES[mime]:
        raise ValidationFailed(errors={"attachment": [
            _("只能上传 JPG、PNG 图片或 PDF 文件（按文件内容检查）")]})
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + next(s for m, t, s in _SIGNATURES if t == mime)
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return name, mime, len(data)


def path_of(name: str, folder: Path | None = None) -> Path:
    """The stored file for a name kept on a record (never a path from a request), in the
    upload folder or one of its subfolders (day photos keep their own)."""
    base = (folder or upload_dir()).resolve()
    path = (base / name).resolve()
    if path.parent != base:
        raise ValueError("stored file outside its folder")
    return path


def discard(name: str | None, folder: Path | None = None) -> None:
    """Delete a stored file if it is there; a missing file is no error."""
    if name:
        try:
            path_of(name, folder).unlink()
        except (FileNotFoundError, ValueError):
            pass
