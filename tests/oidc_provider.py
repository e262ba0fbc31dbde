"""A real OpenID Connect provider for the single sign-on tests: node-oidc-provider, run
from tests/oidc/ (`npm ci` there; `./dev setup --test` does it) on 127.0.0.1.

The provider's development login page signs in any login with any password; the login
decides the account's claims (tests/oidc/provider.js): "unverified..." has an unverified
e-mail, "hr..." is in the group hiring-hr, "interviewer..." in hiring-interviewers.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

HERE = Path(__file__).parent / "oidc"
CLIENT_ID = "hiring"
CLIENT_SECRET = "hiring-test-secret"
STARTUP_TIMEOUT_S = 30
ROLE_MAP = {"hiring-hr": "hr", "hiring-interviewers": "interviewer"}


@dataclass
class OidcProvider:
    issuer: str
    process: subprocess.Popen

    def config(self, name: str = "test", **extra) -> dict:
        """An OIDC_PROVIDERS entry for this provider."""
        return {"name": name, "label": "Test ID", "issuer": self.issuer,
                "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "role_claim": "groups", "role_map": ROLE_MAP, **extra}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_provider(redirect_uris: list[str], port: int | None = None
                     ) -> Iterator[OidcProvider]:
    """Start the provider, wait for its discovery document, stop it afterwards."""
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("the test OpenID Connect provider is not installed: run "
                    "./dev setup --test (Node.js, then npm ci in tests/oidc)")
    port = port or _free_port()
    issuer = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [node, str(HERE / "provider.js"), str(port), ",".join(redirect_uris), CLIENT_ID,
         CLIENT_SECRET], cwd=HERE, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"the OpenID Connect provider exited:\n{process.stdout.read()}")
            try:
                with urllib.request.urlopen(
                        issuer + "/.well-known/openid-configuration", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail("the OpenID Connect provider did not start")
            time.sleep(0.1)
        yield OidcProvider(issuer=issuer, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        process.stdout.close()


def sign_in(authorization_url: str, login: str, redirect_prefix: str) -> str:
    """Go through the provider's login page as a browser would, from the authorization
    URL to the redirect back to the client; return that redirect's URL."""
    browser = requests.Session()
    url = authorization_url
    for _ in range(10):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if url.startswith(redirect_prefix):
                return url
            continue
        form = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        assert form, response.text
        response = browser.post(urljoin(url, unescape(form[1])), allow_redirects=False,
                                data={"prompt": "login", "login": login,
                                      "password": "any"}, timeout=10)
        assert response.is_redirect, response.text
        url = urljoin(url, response.headers["Location"])
        if url.startswith(redirect_prefix):
            return url
    raise AssertionError("the provider never sent the browser back")
