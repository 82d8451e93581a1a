from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def sms_backend_is_real(app_configs, **kwargs):
    if settings.SMS_BACKEND.endswith("OutboxBackend"):
        return [
            Warning(
                "SMS_BACKEND is the development outbox: residents will not receive sign-in codes.",
                hint="Set SMS_BACKEND=jiaoliuba.core.sms.HttpGatewayBackend and SMS_HTTP_URL.",
                id="jiaoliuba.W001",
            )
        ]
    return []
