import logging

from django.conf import settings

from lindungdesa.lib.logging import MaskPersonalData
from lindungdesa.lib.pii import mask, mask_fields, mask_text


def test_single_values_keep_only_enough_to_recognise_them():
    assert mask("nik", "6103011204750001") == "************0001"
    assert mask("kpj", "12345678901") == "*******8901"
    assert mask("phone", "081234567890") == "0812****7890"
    assert mask("nik", "123") == "***" and mask("kpj", "") == ""


def test_text_loses_every_nik_kpj_and_phone_number_but_keeps_dates_and_amounts():
    text = (
        "NIK 6103011204750001 / 6103 0112 0475 0001, HP 0812-3456-7890 atau +62 812 3456 7890, "
        "KPJ 12345678901, pada 2026-12-02 04:02:40, Rp 2426640, baris 1234"
    )
    masked = mask_text(text)
    for secret in ("6103011204750001", "0112 0475", "3456-7890", "812 3456", "12345678901"):
        assert secret not in masked
    assert "2026-12-02 04:02:40" in masked and "Rp 2426640" in masked and "baris 1234" in masked


def test_personal_fields_of_a_dict_are_masked():
    assert mask_fields({"nik": "6103011204750001", "name": "Budi", "phone": "081234567890"}) == {
        "nik": "************0001",
        "name": "Budi",
        "phone": "0812****7890",
    }


def test_the_log_filter_masks_messages_arguments_and_tracebacks():
    try:
        raise ValueError("NIK 6103011204750001 sudah ada")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Gagal untuk %s", ("081234567890",),
                                   sys.exc_info())  # fmt: skip
    assert MaskPersonalData().filter(record)
    line = logging.Formatter().format(record)
    assert "081234567890" not in line and "6103011204750001" not in line
    assert "0812" not in line.split("Gagal untuk ")[1][:4] or "****" in line


def test_every_handler_of_the_logging_configuration_has_the_filter():
    for name, handler in settings.LOGGING["handlers"].items():
        assert "mask_personal_data" in handler.get("filters", []), name
    for name in ("django", "django.server"):
        assert settings.LOGGING["loggers"][name]["handlers"] == []  # they go to the root's filtered handler


def test_a_logged_nik_reaches_the_output_masked(capfd):
    logging.getLogger("lindungdesa.uji").warning("impor baris NIK %s", "6103011204750001")
    err = capfd.readouterr().err
    assert "6103011204750001" not in err


def test_niks_only_masks_the_nik_a_text_quotes_and_leaves_kpj_phone_and_dates():
    text = "NIK 6103011204750001 (6103 0112 0475 0002) KPJ 123456789012, HP 081234567890, lahir 12-04-1975."
    assert mask_text(text, niks_only=True) == (
        "NIK ************0001 (************0002) KPJ 123456789012, HP 081234567890, lahir 12-04-1975."
    )
