"""Imports every area's models so Alembic and the app see the whole schema."""
from .absences.models import Absence, AbsencePolicy, AbsenceSymptom  # noqa: F401
from .allocation.models import Application, Round  # noqa: F401
from .api.models import IdempotencyRecord  # noqa: F401
from .audit.models import AuditEvent, Notification  # noqa: F401
from .auth.models import ApiToken, PasswordReset, User  # noqa: F401
from .complaints.models import Complaint  # noqa: F401
from .changes.models import CentreChange  # noqa: F401
from .centres.models import Centre, CityPolicy, District, Group  # noqa: F401
from .children.models import Child, Guardianship  # noqa: F401
from .daily.models import DailyEntry  # noqa: F401
from .exams.models import ExamAppointment, ExamResult, ExamSession, HealthInstitution, InstitutionMember  # noqa: F401,E501
from .entitlements.models import AllowanceApplication  # noqa: F401
from .fees.models import LedgerAccount, LedgerEntry  # noqa: F401
from .notices.models import NotificationDelivery, NotificationPreference  # noqa: F401
from .outbreaks.models import OutbreakAlert, OutbreakAlertChild, OutbreakRule  # noqa: F401
from .growth.models import GrowthMeasurement, HealthNote  # noqa: F401
from .health.models import Attendance, HealthCheck  # noqa: F401
from .pickup.models import PickupPerson, PickupRecord  # noqa: F401
from .messages.models import Bulletin, BulletinRecipient, Message, MessageAttachment, Thread, ThreadReader  # noqa: F401,E501
from .regulator.models import ClosureCase, CoverageSnapshot, Filing, Inspection  # noqa: F401
from .recognition.models import Recognition  # noqa: F401
from .evaluation.models import Evaluation, EvaluationItem, FixItem  # noqa: F401
from .reservations.models import Reservation  # noqa: F401
from .rosters.models import Shift, StaffMember, StaffPerson  # noqa: F401
from .sessions.models import CareSession, SessionBooking  # noqa: F401
from .slots.models import Slot  # noqa: F401
from .subsidies.models import SubsidyClaim, SubsidyClaimLine  # noqa: F401
from .waitlists.models import LotteryDraw, PriorityTier, WaitlistEntry  # noqa: F401
from .workforce.models import TrainingRecord  # noqa: F401
from .planning.models import SubdistrictBirths  # noqa: F401
from .operators.models import CentreOperator, Operator, OperatorManager, StaffAssignment  # noqa: F401,E501
from .operators.transfer_models import OperatorTransfer  # noqa: F401
from .employers.models import Employer, EmployerQuota  # noqa: F401
