"""Redirects a spec declares are answers (specs/redirects.yml): an archive download
answering `302` with a `Location`, a `200` JSON beside `303` and `304`, a `3XX` range
beside a `204`, a text `200` beside a `307`, and an operation that declares none.

The package is generated, imported and type-checked with `mypy --strict` (with user code
reading the results); each method is called against respx, sync and async: a declared
redirect returns the exact `Redirect` (location resolved against the request URL, None
without one) after exactly one request (never followed), an undeclared one raises.
"""

from __future__ import annotations

import importlib
import pickle
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
import respx
from test_corpus import Corpus, generated_corpus

SPECS = {"redirects": ("corpus_redirects", "ForgeCorpusSDK")}

#: User code type-checked with the package: the declared redirect is part of the type.
USAGE = {
    "redirects": """
        from typing import Optional, Union

        from corpus_redirects import ForgeCorpusSDK, models
        from corpus_redirects.utils import Redirect


        def archive_url(sdk: ForgeCorpusSDK) -> Optional[str]:
            return sdk.repos.download_archive(repo="r", ref="main").location


        async def latest(sdk: ForgeCorpusSDK) -> str:
            found: Union[models.Release, Redirect] = await sdk.repos.get_latest_release_async(
                repo="r"
            )
            if isinstance(found, Redirect):
                return f"{found.status_code} {found.location} {found.headers.get('etag')}"
            return found.tag


        def logs(sdk: ForgeCorpusSDK) -> Optional[Redirect]:
            return sdk.repos.get_logs(repo="r")


        def raw(sdk: ForgeCorpusSDK) -> int:
            answer = sdk.repos.with_raw_response.download_archive(repo="r", ref="v1")
            redirect: Redirect = answer.parse()
            return redirect.status_code + answer.status_code
    """,
}

API = "https://api.forge.test/v2"
ELSEWHERE = "https://codeload.forge.test/r/tar.gz/main?token=t1"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with generated_corpus(tmp_path_factory.mktemp("corpus_redirects"), SPECS, USAGE) as found:
        yield found


@pytest.fixture(scope="module")
def forge(corpus: Corpus) -> ModuleType:
    return corpus.load("redirects")


@pytest.fixture
def sdk(forge: ModuleType) -> Iterator[Any]:
    with forge.ForgeCorpusSDK(retry_config=None) as client:
        yield client


async def call(sdk: Any, is_async: bool, method: str, **kwargs: Any) -> Any:
    resource = sdk.oauth if method == "authorize" else sdk.repos
    if is_async:
        return await getattr(resource, f"{method}_async")(**kwargs)
    return getattr(resource, method)(**kwargs)


def test_no_warnings(corpus: Corpus) -> None:
    assert corpus.generated["redirects"].warnings == []


def test_mypy_strict(corpus: Corpus) -> None:
    assert corpus.mypy_errors("redirects/") == []


def test_return_annotations(forge: ModuleType) -> None:
    repos = importlib.import_module(f"{forge.__name__}.resources.repos").Repos
    oauth = importlib.import_module(f"{forge.__name__}.resources.oauth").Oauth
    assert repos.download_archive.__annotations__["return"] == "Redirect"
    assert repos.get_latest_release.__annotations__["return"] == "Union[models.Release, Redirect]"
    assert repos.get_logs.__annotations__["return"] == "Optional[Redirect]"
    assert repos.get_repo.__annotations__["return"] == "models.Release"
    assert oauth.authorize.__annotations__["return"] == "Union[str, Redirect]"


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_declared_302_is_returned_not_followed(
    forge: ModuleType, sdk: Any, is_async: bool
) -> None:
    with respx.mock(assert_all_called=False) as router:
        archive = router.get(f"{API}/repos/r/archive/main").respond(
            302, headers={"Location": ELSEWHERE, "X-Request-Id": "q1"}
        )
        target = router.get(ELSEWHERE).respond(200, content=b"tarball")
        found = await call(sdk, is_async, "download_archive", repo="r", ref="main")
        assert archive.call_count == 1
        assert target.call_count == 0
        assert len(router.calls) == 1
    assert type(found) is forge.utils.Redirect
    assert (found.status_code, found.location) == (302, ELSEWHERE)
    assert found.headers["x-request-id"] == "q1"


@pytest.mark.parametrize(
    ("location", "resolved"),
    [
        ("/downloads/r-main.tar.gz", "https://api.forge.test/downloads/r-main.tar.gz"),
        ("../../r.tgz?x=1", "https://api.forge.test/v2/repos/r.tgz?x=1"),
        ("//cdn.forge.test/r.tgz", "https://cdn.forge.test/r.tgz"),
    ],
)
@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@respx.mock
async def test_relative_location_is_resolved_against_the_request_url(
    sdk: Any, is_async: bool, location: str, resolved: str
) -> None:
    respx.get(f"{API}/repos/r/archive/main").respond(302, headers={"Location": location})
    found = await call(sdk, is_async, "download_archive", repo="r", ref="main")
    assert found.location == resolved
    assert found.headers["location"] == location  # the header as sent
    assert len(respx.calls) == 1


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@respx.mock
async def test_missing_location_is_none(forge: ModuleType, sdk: Any, is_async: bool) -> None:
    respx.get(f"{API}/repos/r/archive/main").respond(302)
    found = await call(sdk, is_async, "download_archive", repo="r", ref="main")
    assert found == forge.utils.Redirect(302, None, found.headers)
    assert "location" not in found.headers


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@respx.mock
async def test_json_200_beside_303_and_304(forge: ModuleType, sdk: Any, is_async: bool) -> None:
    route = respx.get(f"{API}/repos/r/releases/latest")
    route.respond(200, json={"tag": "v1.2"})
    release = await call(sdk, is_async, "get_latest_release", repo="r")
    assert release == forge.models.Release(tag="v1.2")
    route.respond(303, headers={"Location": "/v2/repos/fork/releases/latest"})
    moved = await call(sdk, is_async, "get_latest_release", repo="r")
    assert (type(moved), moved.status_code) == (forge.utils.Redirect, 303)
    assert moved.location == f"{API}/repos/fork/releases/latest"
    route.respond(304, headers={"ETag": '"e1"'})
    unchanged = await call(sdk, is_async, "get_latest_release", repo="r")
    assert (unchanged.status_code, unchanged.location) == (304, None)
    assert unchanged.headers["etag"] == '"e1"'
    assert route.call_count == 3


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@respx.mock
async def test_3xx_range_beside_204(forge: ModuleType, sdk: Any, is_async: bool) -> None:
    route = respx.get(f"{API}/repos/r/logs")
    for status in (301, 307, 308):
        route.respond(status, headers={"Location": f"https://logs.forge.test/{status}"})
        found = await call(sdk, is_async, "get_logs", repo="r")
        assert found == forge.utils.Redirect(
            status, f"https://logs.forge.test/{status}", found.headers
        )
    route.respond(204)
    assert await call(sdk, is_async, "get_logs", repo="r") is None
    route.respond(500, json={"message": "down"})
    with pytest.raises(forge.models.InternalServerError):
        await call(sdk, is_async, "get_logs", repo="r")
    assert route.call_count == 5


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@respx.mock
async def test_text_200_beside_307(forge: ModuleType, sdk: Any, is_async: bool) -> None:
    route = respx.post(f"{API}/oauth/authorize")
    route.respond(200, text="<p>sign in</p>", headers={"content-type": "text/html"})
    assert await call(sdk, is_async, "authorize", client_id="c1") == "<p>sign in</p>"
    route.respond(307, headers={"Location": "https://client.test/cb?code=abc"})
    found = await call(sdk, is_async, "authorize", client_id="c1")
    assert (found.status_code, found.location) == (307, "https://client.test/cb?code=abc")
    assert route.calls.last.request.content == b"client_id=c1"
    assert route.call_count == 2


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_undeclared_redirect_still_raises(
    forge: ModuleType, sdk: Any, is_async: bool
) -> None:
    moved = "https://api.forge.test/v2/repos/renamed"
    with respx.mock(assert_all_called=False) as router:
        router.get(f"{API}/repos/r").respond(301, headers={"Location": moved})
        router.get(f"{API}/repos/r/archive/main").respond(307, headers={"Location": moved})
        target = router.get(moved).respond(200, json={"tag": "v1"})
        with pytest.raises(forge.models.APIError) as info:
            await call(sdk, is_async, "get_repo", repo="r")
        with pytest.raises(forge.models.APIError) as other:  # declares 302 only
            await call(sdk, is_async, "download_archive", repo="r", ref="main")
        assert target.call_count == 0
        assert len(router.calls) == 2
    assert type(info.value) is forge.models.APIError
    assert info.value.status_code == 301
    assert info.value.headers["location"] == moved
    assert (type(other.value), other.value.status_code) == (forge.models.APIError, 307)


@respx.mock
def test_declared_error_beside_a_redirect_raises(forge: ModuleType, sdk: Any) -> None:
    respx.get(f"{API}/repos/r/archive/nope").respond(404, json={"message": "no ref"})
    with pytest.raises(forge.models.NotFoundError) as info:
        sdk.repos.download_archive(repo="r", ref="nope")
    assert info.value.message == "no ref"


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@respx.mock
async def test_raw_response_of_a_redirect(forge: ModuleType, sdk: Any, is_async: bool) -> None:
    respx.get(f"{API}/repos/r/archive/v1").respond(302, headers={"Location": ELSEWHERE})
    raw = sdk.repos.with_raw_response
    if is_async:
        answer = await raw.download_archive_async(repo="r", ref="v1")
    else:
        answer = raw.download_archive(repo="r", ref="v1")
    assert answer.status_code == 302
    assert answer.parse() == forge.utils.Redirect(302, ELSEWHERE, answer.headers)
    assert len(respx.calls) == 1


def test_redirect_is_public_and_pickles(forge: ModuleType) -> None:
    redirect = forge.utils.Redirect(302, ELSEWHERE, httpx.Headers({"Location": ELSEWHERE}))
    assert "Redirect" in forge.utils.__all__
    assert repr(redirect).startswith("Redirect(status_code=302, location=")
    assert pickle.loads(pickle.dumps(redirect)) == redirect
