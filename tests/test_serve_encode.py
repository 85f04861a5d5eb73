"""serve's answers as bytes (sfs3dsl/serve/protocol.py): a :class:`Plain` answer (built
without None) is written as the general path writes the same answer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from sfs3dsl.serve.protocol import Plain, encode

WHEN = datetime(2026, 12, 5, 18, 53, 6, 123456, tzinfo=UTC)


@pytest.mark.parametrize(("value", "want"), [
    ({"executionArn": "arn:x", "startDate": WHEN},
     b'{"executionArn":"arn:x","startDate":1796496786.123}'),
    ({"name": "caf\u00e9", "inputDetails": {"included": True}, "redriveCount": 0},
     '{"name":"caf\u00e9","inputDetails":{"included":true},"redriveCount":0}'.encode()),
    ({"list": [WHEN, 1.5, "x"]}, b'{"list":[1796496786.123,1.5,"x"]}'),
])
def test_plain_answers_are_written_as_any_answer(value: dict[str, Any], want: bytes) -> None:
    assert encode(Plain(value)) == want
    assert encode(value) == want
    assert encode({**value, "stopDate": None}) == want  # the general path leaves None out


def test_a_plain_answer_with_a_value_that_is_not_json_is_refused() -> None:
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        encode(Plain(bad={1}))
