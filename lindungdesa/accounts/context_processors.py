from .permissions import RIGHTS, can


def rights(request) -> dict:
    """`rights`: the actions the signed-in user's role allows, for templates to show only what works."""
    user = getattr(request, "user", None)
    return {"rights": frozenset(action for action in RIGHTS if can(user, action))}
