"""Photos of a child's day: stored like health-check attachments, outside the web root under
a random name, in a folder of their own (TUOWEI_UPLOAD_DIR/daily), and served only through
views that apply the record's rules. Only JPEG and PNG, known by the file's first bytes."""
import base64
import binascii
import os
import secrets
from pathlib import Path

from flask_babel import gettext as _

from ..errors import ValidationFailed
from ..health import attachments
from ..health.attachments import max_bytes, sniff, upload_dir

_IMAGES = {"image/jpeg": (".jpg", {".jpg", ".jpeg"}), "image/png": (".png", {".png"})}


def folder() -> Path:
    return upload_dir() / "daily"


def _too_large() -> str:
    limit = max_bytes()
    size = (_("%(n)s MB", n=limit // (1024 * 1024)) if limit >= 1024 * 1024
            else _("%(n)s KB", n=max(1, limit // 1024)))
    return _("照片不能超过 %(size)s", size=size)


def check(data: bytes, filename: str | None, field: str = "photo") -> str:
    """The photo's type, once its content and name agree and it is within the size limit.

    :raises ValidationFailed: (on `field`) empty, over the limit, or not a JPEG/PNG.
    """
    if not data:
        raise ValidationFailed(errors={field: [_("上传的文件是空的")]})
    if len(data) > max_bytes():
        raise ValidationFailed(errors={field: [_too_large()]})
    mime = sniff(data[:16])
    suffix = Path(filename or "").suffix.lower()
    if mime not in _IMAGES or suffix not in _IMAGES[mime][1]:
        raise ValidationFailed(errors={field: [_("只能上传 JPG 或 PNG 照片（按文件内容检查）")]})
    return mime


def _write(data: bytes, mime: str) -> tuple[str, str, int]:
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + _IMAGES[mime][0]
    fd = os.open(target / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return name, mime, len(data)


def store(storage) -> tuple[str, str, int]:
    """Check and save an uploaded file (werkzeug FileStorage): (name, type, size). Nothing is
    written when it is refused."""
    data = storage.read(max_bytes() + 1)
    return _write(data, check(data, storage.filename))


def store_base64(content: str, filename: str) -> tuple[str, str, int]:
    """The API's photo, sent as base64 in JSON (field `content_base64`)."""
    # A base64 text longer than the limit allows cannot decode to an allowed photo.
    if len(content) > (max_bytes() + 2) // 3 * 4 + 4:
        raise ValidationFailed(errors={"content_base64": [_too_large()]})
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(errors={"content_base64": [_("不是有效的 base64 编码")]})
    return _write(data, check(data, filename, "content_base64"))


def path_of(name: str) -> Path:
    """The stored photo for a name kept on an entry (never a path from a request)."""
    return attachments.path_of(name, folder())


def discard(name: str | None) -> None:
    attachments.discard(name, folder())
