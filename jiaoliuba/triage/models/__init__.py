from .feedback import TriageFeedback

__all__ = ["TriageFeedback"]
