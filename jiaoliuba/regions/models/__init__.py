from .region import Region

__all__ = ["Region"]
