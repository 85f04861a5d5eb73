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
    +-- SideCarStepError         the user's predicate raised, or the function returned
    |                            something that is not JSON or lacks an exposed key
    |   +-- <the user's class>   the user's function raised it: same name, so a Catch on
    |                            ``PaymentDeclined`` matches (see :func:`user_error`)
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


_user_errors: dict[str, type[SideCarStepError]] = {}


def user_error(exc: BaseException) -> type[SideCarStepError]:
    """A :class:`SideCarStepError` class named like ``exc``'s class.

    Lambda reports the class name of the exception that leaves the handler as the error
    (``errorType``), and Step Functions matches Retry and Catch on it; raising this class
    keeps the user's name while the message gains the transaction and the step.

    Example:
        >>> class PaymentDeclined(Exception): ...
        >>> user_error(PaymentDeclined()).__name__
        'PaymentDeclined'
    """
    name = type(exc).__name__
    cls = _user_errors.get(name)
    if cls is None:
        cls = type(name, (SideCarStepError,), {"__module__": __name__, "__qualname__": name})
        _user_errors[name] = cls
    return cls
