"""The errors a side-car handler raises; each class name is the ``Error`` a Catch matches.

AWS Lambda reports a Python exception as ``errorType`` = the class name, and Step Functions
uses that as the state's error, so ``Catch(["S3DataMissingError"], ...)`` matches
:class:`S3DataMissingError`. Every message starts with the transaction id.

The tree::

    SideCarError                 base; never raised itself
    +-- S3DataPreconditionError  the read predicate does not hold yet (retried by the state)
    +-- S3DataMissingError       no process document for the transaction id
    +-- S3DataCorruptError       the document or an output is not a JSON object / JSON
    +-- SideCarReferenceError    the state input is not a side-car reference
    +-- SideCarStepError         the user's function (or predicate) raised, or returned
                                 something that is not JSON
    +-- SideCarConfigError       the function's environment lacks the bucket or prefix
"""

from __future__ import annotations

NOT_READY = "S3DataPreconditionError"


class SideCarError(Exception):
    """Base of every error the side-car runtime raises."""


class S3DataPreconditionError(SideCarError):
    """The step's read predicate does not hold yet; the state's Retry tries again."""


class S3DataMissingError(SideCarError):
    """There is no process document for the transaction id."""


class S3DataCorruptError(SideCarError):
    """The process document or a stored output is not valid JSON of the expected shape."""


class SideCarReferenceError(SideCarError):
    """The state input is not ``{"processData": "<transaction id>", ...}``."""


class SideCarStepError(SideCarError):
    """The user's step function or predicate raised, or returned a value JSON cannot hold."""


class SideCarConfigError(SideCarError):
    """The Lambda environment lacks a setting the generated fragment provides."""


_not_ready: dict[str, type[S3DataPreconditionError]] = {NOT_READY: S3DataPreconditionError}


def not_ready_error(name: str) -> type[S3DataPreconditionError]:
    """The not-ready exception class named ``name`` (a SideCar may rename the error).

    Example:
        >>> not_ready_error("DataNotReady").__name__
        'DataNotReady'
    """
    cls = _not_ready.get(name)
    if cls is None:
        if not name.isidentifier():
            raise ValueError(f"{name!r} is not a valid error class name")
        cls = type(name, (S3DataPreconditionError,), {"__module__": __name__})
        _not_ready[name] = cls
    return cls
