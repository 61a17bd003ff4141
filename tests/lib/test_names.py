from hypothesis import given
from hypothesis import strategies as st

from lindungdesa.lib.names import _key, name_key


def test_titles_degrees_case_and_spacing_are_aside():
    assert name_key("Hj. SITI  Aminah, S.Pd.") == name_key("siti aminah") == "siti aminah"
    assert name_key("Drs. H. Budi, M.M.") == "budi"
    assert name_key("Ir Wayan") == "ir wayan"  # a bare "Ir" before the comma may be a name
    assert name_key("Élise  Ñoñó") == "elise nono"


@given(st.text(alphabet=st.sampled_from("abcXYZ ., \tÉñİK1-"), max_size=20) | st.text(max_size=12))
def test_a_plain_name_gets_the_key_of_the_whole_rule(name):
    assert name_key(name) == _key(name)
