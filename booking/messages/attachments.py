"""Files sent with a message: the health attachments' rules exactly (health/attachments.py):
JPG, PNG or PDF by their first bytes and a matching name, at most the attachment limit, kept
outside the web root under a random name, served only by a view that asks `access.may_read`.
"""
from flask_babel import gettext as _

from ..errors import ValidationFailed
from ..health.attachments import discard, max_bytes, path_of, store
from .models import MAX_ATTACHMENTS

__all__ = ("discard", "max_bytes", "path_of", "send_with_files")


def _store_all(files) -> list[tuple[str, str, int]]:
    """Check and save each file; one refused leaves none of them on disk.

    :raises ValidationFailed: (field `attachment`) more files than a message takes, or a
        file that is not a JPG/PNG/PDF by content, empty or too large.
    """
    files = [f for f in files if f is not None and getattr(f, "filename", None)]
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationFailed(errors={"attachment": [
            _("一条消息最多附 %(n)s 个文件", n=MAX_ATTACHMENTS)]})
    stored = []
    try:
        for f in files:
            stored.append(store(f))
    except BaseException:
        for name, _type, _size in stored:
            discard(name)
        raise
    return stored


def send_with_files(files, call):
    """Store `files` (werkzeug FileStorage), then `call(stored)`, the service command that
    keeps them; a refused or failed command keeps no file."""
    stored = _store_all(files)
    try:
        return call(stored)
    except BaseException:
        for name, _type, _size in stored:
            discard(name)
        raise
