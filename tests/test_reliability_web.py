"""Reliability, the running web app: limits and clean-up seen from a client of the real `hrqa serve`.

Slow: the server loads the packaged embedding model. The client is gradio_client (the API any script can use),
plus raw HTTP where the browser's own requests matter (upload, sign-in).
"""
from __future__ import annotations

import http.client
import http.cookiejar
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from bench._serve import serve

pytest.importorskip("gradio_client")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """`hrqa serve` with a login, a 1 MB upload request limit and a 2 s first lockout; yields (url, cache dir)."""
    root = tmp_path_factory.mktemp("web")
    cache, store = root / "server-cache", root / "store"
    store.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GRADIO_TEMP_DIR", str(cache))  # the server's own cache, away from the client's
        with serve(store, root / "serve.log", auth="alice:secret", max_upload_request_mb="1",
                   login_max_failures="3", login_lockout_seconds="2") as url:
            mp.setenv("GRADIO_TEMP_DIR", str(root / "client-cache"))
            yield url.rstrip("/"), cache, store


def _client(url):
    from gradio_client import Client

    return Client(url, auth=("alice", "secret"), verbose=False)


def _chat(client, question: str):
    """One question: (question, chat, kept conversations, six filters) -> (chat, kept conversations, list)."""
    return client.predict(question, [], None, [], [], [], [], "", "", api_name="/respond")


def _text(message) -> str:
    content = message["content"]
    return content[0]["text"] if isinstance(content, list) else content


def test_reliability_web_megabyte_question_is_refused_by_the_server(app):
    url, _, _ = app
    chat, *_ = _chat(_client(url), "x" * 1_000_000)
    assert ("Could not answer: the question is 1,000,000 characters long; the limit is 2,000 "
            "(HRQA_MAX_QUESTION_CHARS)") in _text(chat[-1])


def test_reliability_web_upload_answers_and_delete_leave_no_copies_behind(app, tmp_path):
    from gradio_client import handle_file

    url, cache, store = app
    client = _client(url)
    doc = tmp_path / "okapi-note.txt"
    doc.write_text("The Okapi note asks for free legal aid in every colony.\n\nIt names no informant.\n",
                   encoding="utf-8")
    assert client.predict([handle_file(str(doc))], api_name="/on_upload") == "added    okapi-note.txt: 2 passages"
    assert not [p for p in cache.rglob("okapi-note.txt")]  # moved out of the server's cache, not copied
    for _ in range(5):
        _chat(client, "What does the Okapi note ask for?")
        client.predict(api_name="/handouts")  # the browser asks for them after each answer
    handouts = sorted(p.suffix for p in cache.rglob("hrqa-what-does-the-okapi-note-ask-for-*"))
    assert handouts == [".docx", ".docx", ".md", ".md"]  # the answer's and the conversation's: 4, not 20
    client.predict(api_name="/refresh_documents")
    assert client.predict("okapi-note.txt", api_name="/delete").startswith("deleted  okapi-note.txt")
    assert not [p for p in (store / "uploads").rglob("*") if p.is_file()]
    client.predict(None, api_name="/new_conversation")
    client.predict(api_name="/handouts")  # of the new, empty conversation: none
    assert not list(cache.rglob("hrqa-what-does-*"))  # the emptied chat's downloads went with it


def _post(url: str, data: bytes, headers: dict, opener=None) -> tuple[int, str, dict]:
    req = urllib.request.Request(url, data=data, method="POST", headers=headers)
    try:
        with (opener or urllib.request.build_opener()).open(req, timeout=30) as resp:
            return resp.status, resp.read().decode(), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


def _login(url: str, password: str, opener=None) -> tuple[int, str, dict]:
    form = urllib.parse.urlencode({"username": "alice", "password": password}).encode()
    return _post(url + "/login", form, {"Content-Type": "application/x-www-form-urlencoded"}, opener)


def test_reliability_web_upload_request_over_the_total_is_refused_before_its_body(app):
    url, _, _ = app
    jar = http.cookiejar.CookieJar()
    assert _login(url, "secret", urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)))[0] == 200
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    host, port = urllib.parse.urlparse(url).hostname, urllib.parse.urlparse(url).port
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.putrequest("POST", "/gradio_api/upload")
    for name, value in (("Content-Type", "multipart/form-data; boundary=hrqaB"), ("Cookie", cookie),
                        ("Content-Length", str(8 * 20 * 1024 * 1024))):  # 8 files of 20 MB, announced
        conn.putheader(name, value)
    conn.endheaders()  # and not one byte of the body sent: the refusal must not wait for it
    response = conn.getresponse()
    assert response.status == 413
    assert "over the 1 MB one upload may hold (HRQA_MAX_UPLOAD_REQUEST_MB)" in response.read().decode()
    conn.close()


def test_reliability_web_failed_sign_ins_are_throttled_then_allowed_again(app):
    url, _, _ = app
    assert [_login(url, "wrong")[0] for _ in range(3)] == [400, 400, 400]
    status, text, headers = _login(url, "secret")  # locked: even the right password waits
    assert status == 429 and "Too many failed sign-ins; try again in 2 s." in text
    assert headers.get("retry-after") == "2" or headers.get("Retry-After") == "2"
    time.sleep(2.2)
    assert _login(url, "secret")[0] == 200
