from .permissions import role_actions


def rights(request) -> dict:
    """`rights`: the actions the signed-in user's role allows, for templates to show only what works (what
    `permissions.can` answers for each action without a region: none for a visitor or a deactivated user)."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {"rights": frozenset()}
    return {"rights": role_actions(user.role)}
