from .delivery import Delivery
from .notification import Notification
from .webhook import WebhookEndpoint

__all__ = ["Delivery", "Notification", "WebhookEndpoint"]
