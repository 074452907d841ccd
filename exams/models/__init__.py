from exams.models.accommodations import AccommodationRequest, AccommodationStatus
from exams.models.attempts import (
    AttemptItem,
    AttemptPage,
    AttemptStatus,
    AttemptVia,
    ExamAttempt,
)
from exams.models.bank import ExamItem, ExamTopic, ItemOption, ItemStatus
from exams.models.definitions import BlueprintRow, ExamDefinition, ExamGrant

__all__ = [
    "AccommodationRequest",
    "AccommodationStatus",
    "AttemptItem",
    "AttemptPage",
    "AttemptStatus",
    "AttemptVia",
    "BlueprintRow",
    "ExamAttempt",
    "ExamDefinition",
    "ExamGrant",
    "ExamItem",
    "ExamTopic",
    "ItemOption",
    "ItemStatus",
]
