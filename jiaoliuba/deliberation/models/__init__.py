from jiaoliuba.deliberation.models.topic import Topic

__all__ = ["Topic"]
