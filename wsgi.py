"""The WSGI entry point (gunicorn, `flask --app wsgi`)."""
import sys

from booking import create_app
from booking.config import ConfigError

try:
    app = create_app()
except ConfigError as err:  # a missing secret: say which, exit non-zero, no traceback
    sys.exit(f"tuowei: {err}")
