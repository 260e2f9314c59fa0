"""Signals of the groups app: a member whose account is deleted leaves their groups."""


def release_memberships(sender, instance, **kwargs):
    """Before a member's account is deleted: leave every group, ownership handed over."""
    from .services import memberships_release

    if instance.pk is not None:
        memberships_release(user=instance)
