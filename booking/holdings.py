"""Imports every area's privacy holder so a family's export and an account's deletion cover
what each area holds (booking/children/holders.py, docs/privacy.md)."""
from .absences import privacy as _absences  # noqa: F401
from .allocation import privacy as _allocation  # noqa: F401
from .complaints import privacy as _complaints  # noqa: F401
from .daily import privacy as _daily  # noqa: F401
from .entitlements import privacy as _entitlements  # noqa: F401
from .exams import appointment_privacy as _exam_appointments  # noqa: F401
from .growth import privacy as _growth  # noqa: F401
from .messages import privacy as _messages  # noqa: F401
from .outbreaks import privacy as _outbreaks  # noqa: F401
from .pickup import privacy as _pickup  # noqa: F401
from .regulator import privacy as _regulator  # noqa: F401
from .notices import privacy as _notices  # noqa: F401
from .operators import transfer_privacy as _operator_transfers  # noqa: F401
from .subsidies import privacy as _subsidies  # noqa: F401
