"""The containers for real: build the images, start compose.yaml's stack (PostgreSQL, Redis,
the web server and the worker) with podman-compose, and take one candidate through it.

No image registry is needed: the Debian base is made with debootstrap and imported, and
PostgreSQL and Redis are built on it from Debian's packages (containers/*.Dockerfile),
standing in for the official images compose.yaml names by default. Runs as root with
podman, podman-compose, runc and debootstrap installed (README, *Containers*)."""

from __future__ import annotations

import json
import os
import re
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from tests.containers.forms import Form, form_posting_to, form_with, forms

pytestmark = pytest.mark.containers

ROOT = Path(__file__).resolve().parents[2]
USER_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
CACHE = Path(os.environ.get("CONTAINERS_CACHE") or USER_CACHE / "hiring-containers")
MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian")
BASE = "localhost/debian:bookworm"
APP_IMAGE = "localhost/hiring:test"
POSTGRES_IMAGE = "localhost/hiring-postgres:test"
REDIS_IMAGE = "localhost/hiring-redis:test"
HR_EMAIL, HR_PASSWORD = "hr@example.com", secrets.token_urlsafe(12)
CANDIDATE = ("Ana Kandidat", "ana.kandidat@example.com")
REPLY = ("I am sorry about the double charge. I have checked your account and refunded "
         "the second payment today; you will get an e-mail when it reaches your card.")


def say(message: str) -> None:
    print(f"[containers] {message}", file=sys.stderr, flush=True)


class Timer:
    """Print how long each step took, for CI's log."""

    def __init__(self) -> None:
        self.start = self.last = time.monotonic()

    def step(self, what: str) -> None:
        now = time.monotonic()
        say(f"{what}: {now - self.last:.1f}s (total {now - self.start:.1f}s)")
        self.last = now


def containers_conf() -> Path:
    """A containers.conf for this machine: runc (crun refuses a hybrid cgroup layout with
    controllers in the v2 hierarchy) and ulimits no higher than this process's own (podman
    raises them to the maximum by default, which needs CAP_SYS_RESOURCE; here a process
    limit of 65536 or more was refused even below this process's own)."""
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nproc = resource.getrlimit(resource.RLIMIT_NPROC)[1]
    nofile = 65536 if nofile == resource.RLIM_INFINITY else min(nofile, 65536)
    nproc = 32768 if nproc == resource.RLIM_INFINITY else min(nproc, 32768)
    limits = [f"nofile={nofile}:{nofile}", f"nproc={nproc}:{nproc}"]
    conf = CACHE / "containers.conf"
    conf.write_text("[containers]\n"
                    f"default_ulimits = {json.dumps(limits)}\n"
                    "[engine]\n"
                    'runtime = "runc"\n'
                    'cgroup_manager = "cgroupfs"\n', encoding="utf-8")
    return conf


def run(*args: str, env: dict | None = None, timeout: float = 900, check: bool = True,
        quiet: bool = False) -> subprocess.CompletedProcess:
    completed = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True,
                               timeout=timeout, check=False)
    if check and completed.returncode:
        raise AssertionError(f"{' '.join(args[:4])} ... exited {completed.returncode}:\n"
                             f"{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}")
    if not quiet and completed.returncode:
        say(f"{' '.join(args[:4])} exited {completed.returncode}")
    return completed


@pytest.fixture(scope="module")
def podman_env() -> dict:
    for tool in ("podman", "podman-compose", "runc", "debootstrap"):
        assert shutil.which(tool), (
            f"{tool} is missing: apt-get install podman podman-compose runc debootstrap")
    CACHE.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "CONTAINERS_CONF": str(containers_conf()),
            "BUILDAH_FORMAT": "docker"}  # keeps the images' HEALTHCHECK


def ensure_base(env: dict) -> None:
    """Import the Debian base from a debootstrap kept in the cache (made when missing)."""
    if run("podman", "image", "exists", BASE, env=env, check=False, quiet=True).returncode == 0:
        say(f"{BASE} exists")
        return
    tarball = CACHE / "debian-bookworm-minbase.tar"
    if not tarball.exists():
        rootfs = CACHE / "rootfs"
        shutil.rmtree(rootfs, ignore_errors=True)
        say(f"debootstrap bookworm from {MIRROR}")
        run("debootstrap", "--variant=minbase", "bookworm", str(rootfs), MIRROR, env=env)
        run("tar", "-C", str(rootfs), "-cf", f"{tarball}.part", ".", env=env)
        os.replace(f"{tarball}.part", tarball)
        shutil.rmtree(rootfs, ignore_errors=True)
    run("podman", "import", str(tarball), BASE, env=env)


def ca_bundle() -> str | None:
    """The CA bundle this machine's pip trusts (a proxy that inspects TLS needs it)."""
    for candidate in (os.environ.get("PIP_CERT"), os.environ.get("REQUESTS_CA_BUNDLE"),
                      os.environ.get("SSL_CERT_FILE"), "/etc/ssl/certs/ca-certificates.crt"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def images(podman_env) -> None:
    timer = Timer()
    ensure_base(podman_env)
    timer.step("Debian base")
    bundle = ca_bundle()
    ca = ["-v", f"{bundle}:/run/build-ca.crt:ro", "--build-arg",
          "BUILD_CA_BUNDLE=/run/build-ca.crt"] if bundle else []
    run("podman", "build", "--format", "docker", "--build-arg", f"BASE={BASE}", *ca,
        "-t", APP_IMAGE, ".", env=podman_env)
    timer.step("the app image")
    for image, dockerfile in ((POSTGRES_IMAGE, "containers/postgres.Dockerfile"),
                              (REDIS_IMAGE, "containers/redis.Dockerfile")):
        run("podman", "build", "--format", "docker", "--build-arg", f"BASE={BASE}",
            "-f", dockerfile, "-t", image, ".", env=podman_env)
    timer.step("the PostgreSQL and Redis images")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Stack:
    project: str
    env: dict
    base_url: str

    def container(self, service: str) -> str:
        """The service's container, by compose's labels (the naming differs by version)."""
        found = run("podman", "ps", "-aq", "--filter",
                    f"label=io.podman.compose.project={self.project}", "--filter",
                    f"label=com.docker.compose.service={service}", env=self.env,
                    check=False, quiet=True).stdout.split()
        assert len(found) == 1, f"{service}: containers {found}"
        return found[0]

    def exec(self, service: str, *args: str, check: bool = True,
             env: dict | None = None) -> subprocess.CompletedProcess:
        options = [item for key, value in (env or {}).items() for item in ("-e", f"{key}={value}")]
        return run("podman", "exec", *options, self.container(service), *args, env=self.env,
                   timeout=120, check=check)

    def sql(self, query: str) -> str:
        return self.exec("db", "psql", "-U", "hiring", "-d", "hiring", "-tAc", query
                         ).stdout.strip()

    def logs(self, service: str) -> str:
        done = run("podman", "logs", self.container(service), env=self.env, check=False,
                   quiet=True)
        return done.stdout + done.stderr


@pytest.fixture(scope="module")
def stack(podman_env, images) -> Iterator[Stack]:
    port = free_port()
    project = f"hiringtest{os.getpid()}"
    env = {**podman_env, "SECRET_KEY": secrets.token_hex(32),
           "POSTGRES_PASSWORD": secrets.token_urlsafe(16), "APP_IMAGE": APP_IMAGE,
           "POSTGRES_IMAGE": POSTGRES_IMAGE, "REDIS_IMAGE": REDIS_IMAGE,
           "WEB_PORT": str(port), "MAIL_BASE_URL": f"http://127.0.0.1:{port}"}
    compose = ("podman-compose", "-p", project, "-f", "compose.yaml")
    timer = Timer()
    up = run(*compose, "up", "-d", env=env, timeout=300, check=False)
    started = Stack(project=project, env=env, base_url=f"http://127.0.0.1:{port}")
    try:
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        timer.step("podman-compose up")
        yield started
    finally:
        timer.step("the test")
        for service in ("db", "redis", "web", "worker"):
            try:
                log = "\n".join(started.logs(service).splitlines()[-25:])
            except AssertionError as exc:  # it never started
                log = str(exc)
            say(f"--- the last lines of {service}'s log:\n{log}")
        # All at once (podman-compose stops them one by one), then remove them.
        containers = run("podman", "ps", "-aq", "--filter",
                         f"label=io.podman.compose.project={project}", env=env,
                         check=False, quiet=True).stdout.split()
        if containers:
            run("podman", "stop", "-t", "25", *containers, env=env, timeout=120, check=False)
        run(*compose, "down", "-v", env=env, timeout=300, check=False)
        volumes = run("podman", "volume", "ls", "-q", "--filter",
                      f"label=io.podman.compose.project={project}", env=env,
                      check=False, quiet=True).stdout.split()
        if volumes:  # whatever down left behind
            run("podman", "volume", "rm", "-f", *volumes, env=env, check=False)
        run("podman", "network", "rm", "-f", f"{project}_default", env=env, check=False,
            quiet=True)
        timer.step("stopping and removing the stack")


def wait_healthy(stack: Stack, seconds: float = 240) -> None:
    """Run the web container's health check (the image's, through compose.yaml) until it
    passes: podman runs it on demand here, with no systemd to run it on a timer."""
    deadline = time.monotonic() + seconds
    while True:
        check = run("podman", "healthcheck", "run", stack.container("web"), env=stack.env,
                    check=False, quiet=True)
        if check.returncode == 0:
            return
        state = run("podman", "inspect", "--format", "{{.State.Status}}",
                    stack.container("web"), env=stack.env, check=False, quiet=True).stdout
        assert state.strip() == "running", f"web stopped ({state.strip()}):\n" + stack.logs("web")
        assert time.monotonic() < deadline, "web never became healthy:\n" + stack.logs("web")
        time.sleep(2)


def post(session: requests.Session, page: requests.Response, form: Form,
         data: dict) -> requests.Response:
    return session.post(urljoin(page.url, form.action or page.url), data=data, timeout=60)


def answers(form: Form) -> dict:
    """Answer an item's form as a candidate would: in each pair of radio groups (the most
    and least effective response) the first option and the last; the first box of a
    choice of several; a number (also minutes, for a duration) in the one-line field of a
    calculation; a reply in a text box, typed in a minute."""
    data = form.defaults()
    groups: dict[str, list[str]] = {}
    for field in form.fields:
        if field.type in ("radio", "checkbox"):
            groups.setdefault(field.name, []).append(field.value)
    for index, (name, values) in enumerate(groups.items()):
        data[name] = values[0] if index % 2 == 0 else values[-1]
    for field in form.fields:
        if field.name == "elapsed_ms" and not field.value:
            data[field.name] = "60000"
        elif field.tag == "textarea":
            data[field.name] = REPLY
        elif field.tag == "input" and field.type in ("text", "number"):
            data[field.name] = "12"
    data["go"] = "next"
    return data


def take_assessment(link: str) -> tuple[int, int]:
    """Open the invitation, start, answer every item, submit; return (answered, skipped)."""
    candidate = requests.Session()
    page = candidate.get(link, timeout=60)
    assert page.status_code == 200, page.text[:2000]
    start = form_posting_to(page.text, "/start")
    page = post(candidate, page, start, start.defaults())
    assert page.status_code == 200 and "/q/1" in page.url, (page.status_code, page.url)
    answered = skipped = 0
    for _ in range(200):
        if "/q/" not in page.url:
            break
        form = next(f for f in forms(page.text)
                    if f.method == "post" and f.action in ("", page.url))
        after = post(candidate, page, form, answers(form))
        if after.status_code != 200 or after.url == page.url:
            # refused (a format this filler does not know): leave the item unanswered
            say(f"{page.url.rsplit('/', 1)[-1]} refused {answers(form)}: {after.status_code}")
            skipped += 1
            empty = {**form.defaults(), "go": "next"}
            after = post(candidate, page, form, empty)
            assert after.status_code == 200 and after.url != page.url, (
                f"cannot move on from {page.url}: {after.status_code}\n{after.text[:3000]}")
        else:
            answered += 1
        page = after
    assert page.url.endswith("/review"), page.url
    submit = form_posting_to(page.text, "/submit")
    page = post(candidate, page, submit, submit.defaults())
    if "/submit" in page.url or "/done" not in page.url:  # asked to confirm unanswered ones
        confirm = form_posting_to(page.text, "/submit")
        page = post(candidate, page, confirm, {**confirm.defaults(), "confirm": "1"})
    assert page.status_code == 200 and page.url.endswith("/done"), (page.status_code, page.url)
    return answered, skipped


def login(base_url: str) -> requests.Session:
    staff = requests.Session()
    page = staff.get(f"{base_url}/login", timeout=60)
    form = form_with(page.text, "password")
    page = post(staff, page, form, {**form.defaults(), "email": HR_EMAIL,
                                     "password": HR_PASSWORD})
    assert page.status_code == 200 and "/login" not in page.url, (page.status_code, page.url)
    return staff


def test_one_candidate_goes_through_the_stack(stack: Stack) -> None:
    timer = Timer()
    wait_healthy(stack)
    timer.step("web healthy")
    health = requests.get(f"{stack.base_url}/healthz", timeout=30)
    assert health.status_code == 200 and health.json() == {"status": "ok", "database": "ok"}
    # The services run as unprivileged users; the web container migrated an empty
    # database and imported the starter bank; the worker waited for it.
    for service in ("web", "worker"):
        assert stack.exec(service, "id", "-un").stdout.strip() == "hiring"
    assert "empty database: creating the schema" in stack.logs("web")
    assert stack.sql("SELECT count(*) FROM alembic_version") == "1"
    created = stack.exec("web", "hiring", "user", "create", "--role", "hr", "--email",
                         HR_EMAIL, "--name", "Hana HR", env={"HIRING_PASSWORD": HR_PASSWORD})
    assert created.stdout.strip() == f"created hr {HR_EMAIL}"

    # HR invites a candidate to the shipped screening assessment.
    staff = login(stack.base_url)
    listing = staff.get(f"{stack.base_url}/admin/assessments", timeout=60)
    found = re.findall(r'<a href="/admin/assessments/(\d+)">([^<]+)</a>', listing.text)
    screening = [number for number, name in found if "screening" in name]
    assert screening, found
    pipeline_url = f"{stack.base_url}/admin/assessments/{screening[0]}"
    page = staff.get(pipeline_url, timeout=60)
    invite = form_with(page.text, "email")
    name, email = CANDIDATE
    page = post(staff, page, invite, {**invite.defaults(), "name": name, "email": email,
                                      "days": "7", "language": "en"})
    links = re.findall(re.escape(stack.base_url) + r"/a/[A-Za-z0-9_-]+", page.text)
    assert page.status_code == 200 and links, page.text[:3000]
    timer.step("HR user and invitation")

    answered, skipped = take_assessment(links[0])
    say(f"the candidate answered {answered} items ({skipped} left unanswered)")
    assert answered >= 10 and skipped == 0
    timer.step("the candidate took the assessment")

    # Scored at submission, with its scales stored (the only attempt there is).
    rows = stack.sql("SELECT id, candidate_email, state, overall_score, results FROM attempt")
    attempt_id, stored_email, state, overall, results = rows.split("|", 4)
    assert stored_email == email and state in ("submitted", "scored") and overall, rows
    assert json.loads(results), results

    # The web server renders no PDF here (JOBS_SERVER_WORKER false): the profile is the
    # worker's, asked again as its 202 says (Retry-After), on the connection kept open.
    deadline = time.monotonic() + 180
    while True:
        pdf = staff.get(f"{stack.base_url}/attempts/{attempt_id}/profile.pdf", timeout=60)
        if pdf.status_code != 202 or time.monotonic() > deadline:
            break
        time.sleep(float(pdf.headers["Retry-After"]))
    assert pdf.status_code == 200, (pdf.status_code, pdf.text[:1000])
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True,
                              check=True).stdout.decode()
        assert name in text, text[:2000]
    done = stack.sql("SELECT count(*) FROM job WHERE state = 'done'")
    assert int(done) >= 1, stack.sql("SELECT kind, state, error FROM job")
    timer.step("scores and the worker's PDF")

    # Restarted (as after an upgrade), web finds the schema in place and migrates nothing;
    # the data and the rendered profile are still there, and HR is still logged in.
    run("podman", "restart", "-t", "25", stack.container("web"), stack.container("worker"),
        env=stack.env, timeout=180)
    wait_healthy(stack)
    assert re.search(r"entrypoint: database at revision \d+", stack.logs("web"))
    again = staff.get(f"{stack.base_url}/attempts/{attempt_id}/profile.pdf", timeout=60)
    assert again.status_code == 200 and again.content[:5] == b"%PDF-"
    assert stack.sql("SELECT count(*) FROM attempt") == "1"
    timer.step("restarted")
