"""Objects of commune B for the admin-scoping walk (tests/communes/test_admin_scoping.py)."""
from tests.tthc.factories import TthcConnectionFactory, TthcResultFactory


def make_foreign_objects(commune_b):
    TthcResultFactory(commune=commune_b, field_name="Lĩnh vực Zeta", year=2025, month=2)
    TthcConnectionFactory(commune=commune_b, agency_code="Zeta", token="zeta-secret-token-0000000000",
                          is_enabled=False)
