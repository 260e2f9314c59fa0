"""Writes of personal data: archives of a member's data, account erasure, inactive accounts.

Every function is keyword-only, validates before writing, writes in a transaction and queues
its tasks and e-mails with ``transaction.on_commit``. Exports and erasures are recorded in the
audit log (``parvis.moderation.audit.audit_record``).
"""

import datetime as dt
import logging
import secrets
import tempfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.core.emails import absolute_url, queue_email
from parvis.moderation.audit import audit_record
from parvis.notifications.services import notify

from . import registry, selectors
from .archive import write_archive
from .models import DataExport, ExportStatus, InactivityNotice

logger = logging.getLogger(__name__)

#: A member may ask for this many archives a day.
EXPORTS_PER_DAY = 3


def private_storage():
    """Where archives are kept: never under ``MEDIA_URL``, served only by the download view."""
    return storages["private"]


def _local_date(value, language):
    with translation.override(language):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


# --- "download my data" -----------------------------------------------------------------------


def export_request(*, member: User, language: str = "fr") -> DataExport:
    """Ask for an archive of the member's data; it is built in the background and the
    member is told when it is ready."""
    if not (member.is_authenticated and member.is_active):
        raise PermissionDenied(_("Log in to do this."))
    if DataExport.objects.filter(member=member, status=ExportStatus.PENDING).exists():
        raise ValidationError(
            _("Your archive is being prepared: you will be told as soon as it is ready."),
            code="pending",
        )
    since = timezone.now() - dt.timedelta(days=1)
    if DataExport.objects.filter(member=member, requested_at__gte=since).count() >= (
        EXPORTS_PER_DAY
    ):
        raise ValidationError(
            _("You have asked for %(count)d archives today: try again tomorrow.")
            % {"count": EXPORTS_PER_DAY},
            code="too_many",
        )
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    export = DataExport(member=member, language=language)
    export.full_clean(exclude=["member"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            export.save()
            transaction.on_commit(lambda: _queue_build(export.pk))
    except IntegrityError:  # a simultaneous request won the race
        raise ValidationError(
            _("Your archive is being prepared: you will be told as soon as it is ready."),
            code="pending",
        ) from None
    return export


def _queue_build(export_id):
    from parvis.notifications.tasks import publish

    from .tasks import export_build_task

    # Gives up quickly when the broker is down: the pending export is queued again by the
    # periodic ``exports_maintain`` task.
    publish(export_build_task, args=(export_id,))


def export_build(*, export_id: int) -> DataExport | None:
    """Build the archive of a pending export, store it privately and tell the member.

    Idempotent: a duplicated or retried task finds the export no longer pending and does
    nothing. The row stays locked while the archive is written, so two workers never build
    the same export."""
    storage = private_storage()
    saved_name = None
    try:
        with transaction.atomic():
            export = (
                DataExport.objects.select_for_update()
                .select_related("member")
                .filter(pk=export_id)
                .first()
            )
            if export is None or export.status != ExportStatus.PENDING:
                return export
            member = export.member
            export.attempts += 1
            if not member.is_active or member.is_erased:
                export.status = ExportStatus.FAILED
                export.save(update_fields=["status", "attempts"])
                return export
            with tempfile.TemporaryFile() as archive:
                write_archive(member, archive, language=export.language)
                size = archive.tell()
                archive.seek(0)
                saved_name = storage.save(f"exports/{secrets.token_urlsafe(24)}.zip", File(archive))
            now = timezone.now()
            export.status = ExportStatus.READY
            export.file_name = saved_name
            export.size = size
            export.ready_at = now
            export.expires_at = now + dt.timedelta(days=settings.PARVIS_EXPORT_RETENTION_DAYS)
            export.save(
                update_fields=["status", "file_name", "size", "ready_at", "expires_at", "attempts"]
            )
            audit_record(
                actor=member,
                action="gdpr.export",
                target=member,
                reason="Requested by the member",
                data={"export": export.pk, "size": size},
            )
            notify(
                recipients=[member],
                type_key="privacy.export_ready",
                url=reverse("privacy:home"),
                context={
                    "expires": _local_date(export.expires_at, export.language),
                    "download_url": absolute_url(export.get_absolute_url()),
                    "data_url": absolute_url(reverse("privacy:home")),
                },
            )
    except Exception:
        if saved_name:
            storage.delete(saved_name)
        raise
    return export


def export_fail(*, export_id: int) -> None:
    """Give up on an export whose build kept failing; the member may ask again."""
    DataExport.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.FAILED
    )


def export_mark_downloaded(*, export: DataExport) -> None:
    with transaction.atomic():
        export.downloaded_at = timezone.now()
        export.save(update_fields=["downloaded_at"])
        audit_record(
            actor=export.member,
            action="gdpr.export_download",
            target=export.member,
            reason="Downloaded by the member",
            data={"export": export.pk},
        )


def exports_expire(*, now=None, limit: int = 500) -> int:
    """Delete the files of archives past their expiry (and of failed ones); the rows stay,
    marked expired, as the member's history. Returns the number of archives expired."""
    now = now or timezone.now()
    storage = private_storage()
    expired = list(
        DataExport.objects.filter(status=ExportStatus.READY, expires_at__lte=now).order_by("pk")[
            :limit
        ]
    )
    for export in expired:
        with transaction.atomic():
            name = export.file_name
            export.status = ExportStatus.EXPIRED
            export.file_name = ""
            export.save(update_fields=["status", "file_name"])
            if name:
                transaction.on_commit(lambda name=name: _delete_file(storage, name))
    return len(expired)


def _delete_file(storage, name):
    try:
        storage.delete(name)
    except OSError:  # already gone, or the storage is down: nothing the member sees
        logger.warning("Could not delete %s", name)


# --- "delete my account" ----------------------------------------------------------------------


@dataclass
class ErasureContext:
    """What an erasure handler receives (see ``registry.erase``)."""

    member: User
    actor: User | None
    delete_contributions: bool
    plan: selectors.ErasurePlan
    now: dt.datetime
    report: dict = field(default_factory=dict)
    #: (storage, name) of files deleted once the erasure commits.
    files: list = field(default_factory=list)

    def count(self, key, number):
        if number:
            self.report[key] = self.report.get(key, 0) + number

    def forget_file(self, field_file):
        if field_file:
            self.files.append((field_file.storage, field_file.name))

    @property
    def former_member(self):
        """How the site names the member from now on, in the site's language."""
        with translation.override(settings.LANGUAGE_CODE):
            return gettext("Former member")


def _apply(rule, context):
    model = registry._model_of(rule.relation)
    field_name = rule.relation.rsplit(".", 1)[1]
    rows = model._base_manager.filter(**{field_name: context.member})
    if rule.action == registry.DELETE:
        context.count(rule.relation, rows.count())
        rows.delete()
    elif rule.action == registry.SET_NULL:
        context.count(rule.relation, rows.update(**{field_name: None}))
    elif rule.action == registry.CUSTOM:
        rule.handler(context)


def _erase_member_row(context):
    member = context.member
    changed = []
    for name, rule in registry.member_field_rules().items():
        if rule.keep:
            continue
        model_field = member._meta.get_field(name)
        if hasattr(model_field, "storage"):  # a file: deleted after commit
            context.forget_file(getattr(member, name))
        value = rule.value(member) if callable(rule.value) else rule.value
        setattr(member, model_field.attname, value)
        changed.append(name)
    member.save(update_fields=changed)


def account_erase(
    *,
    member: User,
    actor: User | None,
    delete_contributions: bool = False,
    reason: str = "",
    email_template: str = "privacy/emails/account_deleted",
    language: str = "",
) -> dict:
    """Erase ``member``'s personal data; ``actor`` is the member themselves (or None for
    the platform: inactivity).

    Groups they own pass to a successor (else are closed), organisations they alone manage
    pass to another member of their team (else are closed); their public contributions are
    kept as by a "former member", or deleted when ``delete_contributions``. Every relation is
    handled as declared in the registry (each app's ``content.py``), then the member's row is
    anonymised: the old e-mail and password no longer log in. The member is e-mailed at their
    old address once it commits. Idempotent: erasing an erased account does nothing. Returns
    what was done (counts by relation)."""
    language = language or settings.LANGUAGE_CODE
    with transaction.atomic():
        member = User.objects.select_for_update().get(pk=member.pk)
        if member.is_erased:
            return {}
        if member.is_superuser:
            raise PermissionDenied(
                _("An administrator's account is deleted by another administrator.")
            )
        plan = selectors.erasure_plan(member)
        context = ErasureContext(
            member=member,
            actor=actor,
            delete_contributions=delete_contributions,
            plan=plan,
            now=timezone.now(),
        )
        # Recorded before the fields are erased, so that the entry says who it was.
        audit_record(
            actor=actor,
            action="gdpr.erasure",
            target=member,
            reason=reason or "Requested by the member",
            data={
                "contributions": "deleted" if delete_contributions else "anonymised",
                "groups_handed_over": [g.group.pk for g in plan.groups if g.successor],
                "groups_closed": [g.group.pk for g in plan.groups if not g.successor],
                "organisations_handed_over": [
                    o.organisation.pk for o in plan.organisations if o.successor
                ],
                "organisations_closed": [
                    o.organisation.pk for o in plan.organisations if not o.successor
                ],
            },
        )
        # The address is captured now; the e-mail leaves once the erasure has committed.
        queue_email(
            to=member.email,
            template=email_template,
            context={
                "first_name": member.first_name,
                "contributions_deleted": delete_contributions,
                "groups_handed_over": [g.group.name for g in plan.groups if g.successor],
                "groups_closed": [g.group.name for g in plan.groups if not g.successor],
                "organisations_handed_over": [
                    o.organisation.name for o in plan.organisations if o.successor
                ],
                "organisations_closed": [
                    o.organisation.name for o in plan.organisations if not o.successor
                ],
                "privacy_url": absolute_url(reverse("privacy")),
                "contact_email": settings.PARVIS_CONTACT_EMAIL,
            },
            language=language,
        )
        for rule in registry.erasures():
            _apply(rule, context)
        _erase_member_row(context)
        files = list(context.files)
        transaction.on_commit(lambda: [_delete_file(storage, name) for storage, name in files])
    return context.report


# --- inactive accounts ------------------------------------------------------------------------


def inactivity_warn(*, member: User, now=None) -> InactivityNotice | None:
    """Warn ``member`` (inactive for ``PARVIS_INACTIVE_WARNING_DAYS``) that their account
    will be erased. Once only: a warned member is not warned again (the notice is unique)
    until they come back."""
    now = now or timezone.now()
    member = selectors.with_last_activity(User.objects.filter(pk=member.pk)).get()
    notice_days = settings.PARVIS_INACTIVE_ERASURE_DAYS - settings.PARVIS_INACTIVE_WARNING_DAYS
    erasure_after = max(
        member.last_activity + dt.timedelta(days=settings.PARVIS_INACTIVE_ERASURE_DAYS),
        now + dt.timedelta(days=max(notice_days, 1)),
    )
    try:
        with transaction.atomic():
            notice = InactivityNotice.objects.create(
                member=member,
                last_activity_at=member.last_activity,
                warned_at=now,
                erasure_after=erasure_after,
            )
            notify(
                recipients=[member],
                type_key="privacy.inactivity_warning",
                url=reverse("privacy:home"),
                context={
                    "last_activity": _local_date(member.last_activity, settings.LANGUAGE_CODE),
                    "erasure_date": _local_date(erasure_after, settings.LANGUAGE_CODE),
                    "login_url": absolute_url(reverse("account_login")),
                    "data_url": absolute_url(reverse("privacy:home")),
                    "privacy_url": absolute_url(reverse("privacy")),
                },
            )
    except IntegrityError:  # warned by a duplicated task meanwhile
        return None
    return notice


def inactivity_reset(*, member_ids) -> int:
    """The members came back: forget their notices (a later inactivity is warned again)."""
    deleted, _details = InactivityNotice.objects.filter(member_id__in=list(member_ids)).delete()
    return deleted
