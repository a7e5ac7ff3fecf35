"""core.links.path_for_each: the addresses of many codes or slugs from one reverse, the same as
reversing each, in every language; any key of another shape is left to reverse."""

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from core.links import CODE, SLUG, path_for_each

ADDRESSES = [
    ("catalogue:village_detail", CODE, ["36.04.05.2001", "19.05.01.2003", "1"]),
    ("catalogue:district_detail", CODE, ["36.04.05", "19.05.01"]),
    ("catalogue:product", SLUG, ["gerabah-kramatwatu-3604052001", "Kopi_Robusta-2", "a"]),
]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(("viewname", "shape", "keys"), ADDRESSES)
def test_the_paths_are_those_reverse_gives(language, viewname, shape, keys):
    with translation.override(language):
        path = path_for_each(viewname, shape)
        for key in keys:
            assert path(key) == reverse(viewname, args=[key])


def test_a_key_of_another_shape_goes_through_reverse():
    village = path_for_each("catalogue:village_detail", CODE)
    assert (
        village("kopi susu")
        == reverse("catalogue:village_detail", args=["kopi susu"])
        == "/desa/kopi%20susu/"
    )
    with pytest.raises(NoReverseMatch):
        village("a/b")
    product = path_for_each("catalogue:product", SLUG)
    with pytest.raises(NoReverseMatch):  # a slug has no dots: refused as reverse refuses it
        product("36.04.05")
