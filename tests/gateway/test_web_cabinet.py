"""The web cabinet's files at `/` and `/app/...`, and GraphiQL without the internet (the
pages themselves are driven in a browser by tests/web/)."""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re

import pytest
from strawberry.http.ides import get_graphql_ide_html

from gateway.trusted_documents import MANIFEST_PATH
from gateway.web import CABINET_POLICY, WEB_DIR, graphiql_policy, offline_graphiql

MANIFEST = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
NAMES = {entry["name"] for entry in MANIFEST["operations"]}


async def test_the_cabinet_is_served_at_the_root_under_a_strict_content_policy(http):
    page = await http.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="ru">' in page.text
    assert page.headers["content-security-policy"] == CABINET_POLICY
    assert "script-src 'self';" in CABINET_POLICY  # no inline script, no other origin
    assert "frame-ancestors 'none'" in CABINET_POLICY and page.headers["x-frame-options"] == "DENY"
    script = await http.get("/app/js/main.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert script.headers["content-security-policy"] == CABINET_POLICY
    assert (await http.get("/app/js/missing.js")).status_code == 404


async def test_every_module_the_page_imports_is_served_as_javascript(http):
    # The browser follows main.js's imports one by one: a module renamed or moved without
    # its importers would leave the whole page blank, so every import is fetched here.
    served: set[str] = set()
    waiting = ["/app/js/main.js"]
    while waiting:
        path = waiting.pop()
        if path in served:
            continue
        answer = await http.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["content-type"] == "text/javascript; charset=utf-8", path
        served.add(path)
        for target in re.findall(r'\bfrom\s+"(\.{1,2}/[^"]+)"', answer.text):
            waiting.append(posixpath.normpath(posixpath.join(posixpath.dirname(path), target)))
    # The home contract's page and what it shares with a number's are among them.
    assert {
        "/app/js/views/contract.js",
        "/app/js/views/line_money.js",
        "/app/js/views/line_usage.js",
        "/app/js/views/live_balance.js",
        "/app/js/lines.js",
    } <= served
    assert served == {f"/app/{path.relative_to(WEB_DIR)}" for path in WEB_DIR.glob("js/**/*.js")}


async def test_the_page_reads_the_trusted_documents_as_they_are_on_disk(http):
    answer = await http.get("/app/documents.json")
    assert answer.json() == MANIFEST
    assert answer.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/app/js/main.js", "text/javascript; charset=utf-8"),
        ("/app/cabinet.css", "text/css; charset=utf-8"),
        ("/app/icon.svg", "image/svg+xml"),
        ("/app/vendor/graphiql/graphiql.min.js", "text/javascript; charset=utf-8"),
    ],
)
async def test_each_file_comes_with_its_own_content_type_and_nosniff(http, path, content_type):
    answer = await http.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == content_type  # never the system's guess
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


@pytest.mark.parametrize(
    "path",
    [
        "/app/vendor/README.md",  # notes and licences are for the repository, not the web
        "/app/vendor/react/LICENSE",
        "/app/..%2Fgateway%2Fweb.py",
        "/app/%2e%2e/pyproject.toml",
        "/app/js/..%2F..%2Fgateway%2Fweb.js",
        "/app/",
        "/app/js/",
    ],
)
async def test_nothing_but_the_pages_files_is_served_from_app(http, path):
    answer = await http.get(path)
    assert answer.status_code == 404
    assert answer.headers["x-content-type-options"] == "nosniff"


async def test_a_symlink_out_of_web_is_not_followed(http, tmp_path, monkeypatch):
    secret = tmp_path / "secret.js"
    secret.write_text("the server's secrets", encoding="utf-8")
    link = WEB_DIR / "js" / "leak-test.js"
    link.symlink_to(secret)
    try:
        answer = await http.get("/app/js/leak-test.js")
    finally:
        link.unlink()
    assert answer.status_code == 404
    assert "secrets" not in answer.text


def test_every_document_the_page_runs_is_a_trusted_document():
    # The page sends ids only (the gateway can require it): a name missing from the
    # manifest would fail at run time, so it fails here.
    used = set()
    for script in WEB_DIR.glob("js/**/*.js"):
        text = script.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\b(?:run|post|documentNamed)\(\s*"([A-Za-z]+)\"""", text))
        used |= set(re.findall(r""""(Cabinet[A-Za-z]+)\"""", text))
    assert {"SignIn", "CabinetHome", "CabinetBalance", "RefreshSession"} <= used
    assert used - NAMES == set()
    assert {name for name in NAMES if name.startswith("Cabinet")} <= used, "a document no page runs"


async def test_graphiql_loads_only_files_of_this_gateway(http):
    page = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    sources = re.findall(r"""(?:src|href)="([^"]+)\"""", page.text)
    scripts = [source for source in sources if not source.startswith("data:")]
    assert scripts and all(source.startswith("/app/vendor/") for source in scripts)
    for source in scripts:
        assert (await http.get(source)).status_code == 200, source


async def test_graphiql_runs_its_own_inline_script_only_and_never_in_a_frame(http):
    page = await http.get("/graphql", headers={"accept": "text/html"})
    policy = page.headers["content-security-policy"]
    assert policy == graphiql_policy(page.text)
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert policy.count("'sha256-") == page.text.count("<script>") == 1
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-frame-options"] == "DENY"


def test_the_vendored_files_are_the_bytes_strawberry_names():
    html = get_graphql_ide_html("graphiql")
    pairs = re.findall(r"""(?:src|href)="(https://[^"]+)"\s+integrity="([^"]+)\"""", html)
    assert len(pairs) == 7
    local = offline_graphiql(html)
    for _cdn, integrity in pairs:
        path = re.search(
            rf"""(?:src|href)="/app/vendor/([^"]+)"\s+integrity="{re.escape(integrity)}\"""", local
        )
        assert path, integrity
        digest = hashlib.sha384((WEB_DIR / "vendor" / path.group(1)).read_bytes()).digest()
        assert f"sha384-{base64.b64encode(digest).decode()}" == integrity


def test_a_graphiql_page_naming_files_not_vendored_is_refused():
    html = get_graphql_ide_html("graphiql").replace("graphiql@3.8.3", "graphiql@9.9.9")
    with pytest.raises(RuntimeError, match=re.escape("graphiql@9.9.9")):
        offline_graphiql(html)
