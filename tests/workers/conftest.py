from tests.imports.conftest import desa, people  # noqa: F401  (fixtures)
