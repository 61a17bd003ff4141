"""The regions' select written in one pass is the same HTML as Django's select (forms.RegionSelect)."""

from django import forms
from django.test.html import parse_html

from lindungdesa.indicators.forms import RegionSelect, TargetForm
from lindungdesa.regions.models import Region

CHOICES = [
    ("61", "61 Kalimantan Barat"),
    ("61.03", "61.03 Kabupaten Sanggau"),
    ("61.71", 'Kota <"Pontianak">'),
]


def test_it_writes_what_djangos_select_writes():
    for value in (None, "", "61.03", "tidak-ada"):
        attrs = {"id": "id_region", "required": True}
        ours = RegionSelect(attrs={"class": "lebar"}, choices=CHOICES).render("region", value, attrs=attrs)
        django = forms.Select(attrs={"class": "lebar"}, choices=CHOICES).render("region", value, attrs=attrs)
        assert parse_html(ours) == parse_html(django)
    assert "Kota &lt;&quot;Pontianak&quot;&gt;" in ours  # names escaped


def test_the_target_form_keeps_the_chosen_region():
    regions = [Region(code=code, name=name.split(" ", 1)[1]) for code, name in CHOICES[:2]]
    html = str(TargetForm({"region": "61.03"}, regions=regions)["region"])
    assert parse_html(html) == parse_html(
        '<select name="region" id="id_region"><option value="61">61 Kalimantan Barat</option>'
        '<option value="61.03" selected>61.03 Kabupaten Sanggau</option></select>'
    )
