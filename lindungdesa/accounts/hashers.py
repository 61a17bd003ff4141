"""Password hashing: Argon2id with OWASP's parameters instead of Django's.

Django's Argon2 hasher takes 100 MiB and 8 lanes a password (`memory_cost=102400`, `parallelism=8`): about
a quarter to half a second of a core on this project's 2-core server, and 100 MiB a sign-in in flight, so
fifty officials signing in at the start of a working day queue every page behind them (docs/benchmarks.md).
OWASP's Password Storage Cheat Sheet gives 19 MiB, 2 passes, 1 lane as a minimum configuration of equal
strength to its others (a tenth of the work). A hash made with other parameters still verifies (they are
written in it) and is made again with these at the user's next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2Hasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
