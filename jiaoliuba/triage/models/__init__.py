from .feedback import TriageFeedback
from .rule import TriageModelVersion, TriageRule

__all__ = ["TriageFeedback", "TriageModelVersion", "TriageRule"]
