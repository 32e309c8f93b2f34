# trainchain/__init__.py: the Python client package of trainchain's HTTP API (`trainchain serve`).
"""Python client for trainchain's HTTP/JSON API.

``Client`` talks to ``trainchain serve`` with the standard library only. The PyTorch helper
``Recorder`` lives in ``trainchain.pytorch`` and imports torch only when it is used.
"""

from . import client as _client
from .client import ApiError, ChecksumError, Client, TrainchainError, TransportError, sha256_hex

_LAZY = ("Recorder", "RecordResult")
__all__ = list(_client.__all__) + list(_LAZY)

__version__ = "0.1.0"


def __getattr__(name):
    """Load ``Recorder`` and ``RecordResult`` (and so torch) only on first use."""
    if name in _LAZY:
        from . import pytorch

        return getattr(pytorch, name)
    raise AttributeError("module 'trainchain' has no attribute %r" % name)
