"""The endpoint catalogue: a site remaps a path without code."""

from __future__ import annotations

import pytest

from genesys_elt.api.catalogue import CATALOGUE, catalogue

def test_a_site_can_remap_a_path_without_code():
    remapped = catalogue({"campaigns": "/api/v2/custom/campaigns"})
    assert remapped["campaigns"].path == "/api/v2/custom/campaigns"
    assert CATALOGUE["campaigns"].path != remapped["campaigns"].path
    with pytest.raises(KeyError):
        catalogue({"conversations": "/x"})
