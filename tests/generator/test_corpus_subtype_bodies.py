"""Request bodies of subtypes in allOf polymorphism (`specs/subtype_bodies.yml`).

The base declares the tag property (any string, required) and the discriminator, as
Bitbucket's `object` does for its 300 operations. The subtype's model narrows the tag to
its value with that value as default, but its method still took the tag as a required
`str` argument, which refused anything but the one value it was not told of (33 of
Bitbucket's operations). The tag is now sent without an argument.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import respx
from test_corpus import Corpus, generated_corpus, resource_class, signature_of

SPECS = {"subtype_bodies": ("corpus_subtype_bodies", "TrackerSDK")}

USAGE = {
    "subtype_bodies": """
        from corpus_subtype_bodies import TrackerSDK, models


        def use(sdk: TrackerSDK) -> str:
            sdk.issues.add_comment(issue_id=1, text="seen")
            issue: models.Issue = sdk.issues.create_issue(title="Crash", priority=2)
            return issue.title
    """,
}

BASE = "https://tracker.test/2.0"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_subtype_bodies"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def tracker(corpus: Corpus) -> ModuleType:
    return corpus.load("subtype_bodies")


def sdk_of(package: ModuleType) -> Any:
    return package.TrackerSDK(retry_config=None)


def test_no_warnings(corpus: Corpus) -> None:
    assert corpus.generated["subtype_bodies"].warnings == []


def test_the_tag_is_no_argument(tracker: ModuleType) -> None:
    issues = resource_class(tracker, "issues", "TrackerSDK")
    assert list(signature_of(issues.create_issue)) == ["title", "priority"]
    assert list(signature_of(issues.add_comment)) == ["issue_id", "text"]
    assert list(signature_of(issues.create_issue_async)) == ["title", "priority"]


def test_the_schema_name_is_sent_as_the_tag(tracker: ModuleType) -> None:
    answer = {"type": "Issue", "title": "Crash", "priority": 2}
    with respx.mock(base_url=BASE) as router, sdk_of(tracker) as sdk:
        route = router.post("/issues").respond(201, json=answer)
        issue = sdk.issues.create_issue(title="Crash", priority=2)
    assert json.loads(route.calls.last.request.content) == answer
    assert (type(issue), issue.title, issue.priority) == (tracker.models.Issue, "Crash", 2)


def test_the_mapping_value_is_sent_as_the_tag(tracker: ModuleType) -> None:
    with respx.mock(base_url=BASE) as router, sdk_of(tracker) as sdk:
        route = router.post("/issues/4/comments").respond(204)
        assert sdk.issues.add_comment(issue_id=4, text="seen") is None
    assert json.loads(route.calls.last.request.content) == {"type": "issue_comment", "text": "seen"}


def test_the_base_reads_each_subtype_by_its_tag(tracker: ModuleType) -> None:
    items = [{"type": "issue_comment", "text": "hi"}, {"type": "Issue", "title": "Crash"}]
    with respx.mock(base_url=BASE) as router, sdk_of(tracker) as sdk:
        router.get("/items").respond(200, json=items)
        found = sdk.items.list()
    assert [type(i) for i in found] == [tracker.models.Comment, tracker.models.Issue]


async def test_async_methods_send_the_tag(tracker: ModuleType) -> None:
    with respx.mock(base_url=BASE) as router:
        route = router.post("/issues").respond(201, json={"type": "Issue", "title": "A"})
        async with sdk_of(tracker) as sdk:
            await sdk.issues.create_issue_async(title="A")
    assert json.loads(route.calls.last.request.content) == {"type": "Issue", "title": "A"}


def test_generated_package_passes_mypy_strict(corpus: Corpus, tracker: ModuleType) -> None:
    errors = corpus.mypy_errors("subtype_bodies/")
    assert errors == [], "\n".join(errors)
