from django.contrib.auth.backends import ModelBackend

from .models import User


class UserRegionBackend(ModelBackend):
    """Django's model backend, reading a signed-in user with their region in one query: every page shows the
    region in its header and scopes by it, and a query costs the server 0.4-0.5 ms of CPU to compile and read
    (docs/benchmarks.md, "Saturation, third pass"). A session names the backend that signed it in, so
    sessions made before this backend existed (naming Django's) ended at the upgrade: signed in again."""

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("region").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
