"""A pickup person's photo: stored like health attachments (outside the web root, under a
random name, the type read from the content), but only a JPG or PNG image."""

from flask_babel import gettext as _

from ..web import stored_file
from ..errors import ValidationFailed
from ..health import attachments


def store(storage) -> tuple[str, str, int]:
    """Check and save an uploaded photo. Returns (name, type, size).

    :raises ValidationFailed: (field `photo`) not a JPG or PNG by content, empty, or too
        large. Nothing is kept when it fails.
    """
    try:
        name, mime, size = attachments.store(storage)
    except ValidationFailed as err:
        raise ValidationFailed(errors={"photo": [m for msgs in (err.errors or {}).values()
                                                 for m in msgs]})
    if not mime.startswith("image/"):
        attachments.discard(name)
        raise ValidationFailed(errors={"photo": [_("照片只能是 JPG 或 PNG 图片")]})
    return name, mime, size


discard = attachments.discard
path_of = attachments.path_of
max_bytes = attachments.max_bytes


def response(person):
    """The photo as a download for a page or the API; the caller has checked who asks."""
    return stored_file(path_of, person.photo_path, mimetype=person.photo_type,
                       download_name=f"pickup-{person.id}")
