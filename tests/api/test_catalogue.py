"""The endpoint catalogue: a site remaps a path without code."""

from __future__ import annotations

import pytest

from genesys_elt.api.catalogue import CATALOGUE, catalogue
from genesys_elt.errors import ConfigError


def test_a_site_can_remap_a_path_without_code():
    remapped = catalogue({"campaigns": "/api/v2/custom/campaigns"})
    assert remapped["campaigns"].path == "/api/v2/custom/campaigns"
    assert CATALOGUE["campaigns"].path != remapped["campaigns"].path
    with pytest.raises(ConfigError, match="asynchronous query"):
        catalogue({"conversations": "/x"})
    with pytest.raises(ConfigError, match="no endpoint; choose from"):
        catalogue({"campaign_analytics": "/x"})
    with pytest.raises(ConfigError, match="must be a path"):
        catalogue({"campaigns": "api/v2/x"})
