from .delivery import Delivery
from .notification import Notification
from .preference import ChannelPreference
from .webhook import WebhookEndpoint

__all__ = ["ChannelPreference", "Delivery", "Notification", "WebhookEndpoint"]
