from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_templated_email(*, to, template, context, language="fr"):
    """Render ``template`` in ``language`` and send it to ``to`` (one address).

    Kept for the tasks queued before ``queue_email`` went through the notifications' outbox
    (``EmailOutbox``, kind "direct"); nothing queues it any more."""
    context = {**context, "site_name": settings.PARVIS_SITE_NAME}
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_body.txt", context)
    EmailMessage(subject=" ".join(subject.split()), body=body, to=[to]).send()
