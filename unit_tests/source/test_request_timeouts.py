"""Every requester of the source gets a connect and a read timeout (components/listing/request_timeouts.py)."""
from airbyte_cdk.sources.declarative.models.declarative_component_schema import HttpRequester as HttpRequesterModel

from source_confluence import SourceConfluence
from source_confluence.components.listing.request_timeouts import CONNECT_TIMEOUT_SECONDS, DEFAULT_READ_TIMEOUT_SECONDS

from .builders.config import ConfigBuilder

CONFIG = ConfigBuilder().build()


def _requester_timeout(config):
    source = SourceConfluence(None, config, None)
    requester = source._declared_requester("content_search_requester")
    return requester._http_client._request_timeout


def test_given_read_timeout_seconds_then_every_requester_uses_it():
    assert _requester_timeout({**CONFIG, "read_timeout_seconds": 3}) == (CONNECT_TIMEOUT_SECONDS, 3.0)


def test_given_no_read_timeout_then_the_default_bounds_a_hung_request():
    assert _requester_timeout(CONFIG) == (CONNECT_TIMEOUT_SECONDS, DEFAULT_READ_TIMEOUT_SECONDS)


def test_given_the_spec_then_it_offers_the_field():
    spec = SourceConfluence(None, CONFIG, None).spec(None).connectionSpecification
    assert spec["properties"]["read_timeout_seconds"]["default"] == DEFAULT_READ_TIMEOUT_SECONDS
