"""The `<region:code>` URL converter, registered once when this module is first imported."""

from django.urls import register_converter


class RegionCodeConverter:
    """Kemendagri codes: "61", "61.03", "61.03.01", "61.03.01.2001"."""

    regex = r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RegionCodeConverter, "region")
