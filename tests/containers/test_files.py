"""The container files read without containers: what the image installs and runs as, what
compose.yaml sets, and the entrypoint's migrations on a real (SQLite) database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from hiring.config import NOT_SETTINGS, PLAIN_ENV_KEYS, PREFIX, Defaults

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "containers" / "entrypoint.py"


def instructions(path: Path) -> list[tuple[str, str]]:
    """A Dockerfile's instructions with their arguments, continuation lines joined."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def runtime_packages() -> set[str]:
    text = (ROOT / "dev").read_text(encoding="utf-8")
    listed = re.search(r"RUNTIME_PACKAGES=\(([^)]*)\)", text)
    assert listed, "./dev has no RUNTIME_PACKAGES"
    return set(listed.group(1).split())


def apt_packages(path: Path) -> set[str]:
    packages: set[str] = set()
    for keyword, rest in instructions(path):
        if keyword == "RUN" and "apt-get install" in rest:
            for command in rest.split("&&"):
                if "apt-get install" in command:
                    packages |= {word for word in command.split()[2:]
                                 if not word.startswith("-") and word != "install"}
    return packages


def test_the_image_installs_what_dev_installs_and_runs_unprivileged():
    dockerfile = ROOT / "Dockerfile"
    assert apt_packages(dockerfile) == runtime_packages() | {"ca-certificates"}
    steps = instructions(dockerfile)
    users = [rest for keyword, rest in steps if keyword == "USER"]
    assert users and users[-1] not in ("root", "0"), users
    keywords = [keyword for keyword, _ in steps]
    # the entrypoint runs after USER: nothing of the service runs as root
    assert keywords.index("USER") < keywords.index("ENTRYPOINT")
    assert any(keyword == "HEALTHCHECK" and "/healthz" in rest for keyword, rest in steps)
    # no secret is baked into the image: it comes from the environment
    assert "SECRET_KEY" not in dockerfile.read_text(encoding="utf-8")
    assert steps[0] == ("ARG", "BASE=localhost/debian:bookworm") and steps[1] == ("FROM", "${BASE}")


def test_the_database_and_redis_images_build_on_the_same_base():
    for name in ("postgres.Dockerfile", "redis.Dockerfile"):
        steps = instructions(ROOT / "containers" / name)
        assert ("FROM", "${BASE}") in steps, name
        users = [rest for keyword, rest in steps if keyword == "USER"]
        assert users and users[-1] not in ("root", "0"), name


def test_compose_runs_the_four_services_with_real_settings():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"db", "redis", "web", "worker"}
    assert services["web"]["command"] == ["web"] and services["worker"]["command"] == ["worker"]
    for name in ("web", "worker"):
        environment = services[name]["environment"]
        for key in environment:
            if key.startswith(PREFIX):
                setting = key.removeprefix(PREFIX)
                assert hasattr(Defaults, setting) and setting not in NOT_SETTINGS, key
            else:
                assert key in PLAIN_ENV_KEYS, key
        # required, never defaulted: the same secret on every container
        assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
        # they share the instance folder: the worker's PDFs are the web server's downloads
        assert "instance:/var/lib/hiring/instance" in services[name]["volumes"]
        assert set(services[name]["depends_on"]) == {"db", "redis"}
    assert set(compose["volumes"]) == {"pgdata", "redisdata", "instance"}


def test_dockerignore_keeps_the_virtualenv_and_instance_out():
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").split("\n")
    rules = [line for line in lines if line and not line.startswith("#")]
    assert rules[0] == "*"  # everything is left out but what is named
    assert not any(rule.lstrip("!").startswith((".venv", "instance")) for rule in rules)


def entrypoint(tmp_path: Path, *args: str, wait: str = "120") -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "HIRING_DATABASE_URL")}
    env.update(HIRING_INSTANCE=str(tmp_path / "instance"), DATABASE_WAIT_SECONDS=wait,
               SECRET_KEY="entrypoint-test-" + "x" * 32,
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    return subprocess.run([sys.executable, str(ENTRYPOINT), *args], env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_the_worker_waits_for_the_migrations_and_gives_up_when_they_never_come(tmp_path):
    waited = entrypoint(tmp_path, "worker", "--burst", wait="1")
    assert waited.returncode != 0
    assert "gave up waiting: the schema is not migrated yet" in waited.stderr


def test_migrate_creates_an_empty_database_once_then_leaves_it(tmp_path):
    first = entrypoint(tmp_path, "migrate")
    assert first.returncode == 0, first.stderr
    assert "empty database: creating the schema and importing the starter" in first.stderr
    assert re.search(r"bank: csr_core v\d+: \d+ added", first.stdout), first.stdout
    again = entrypoint(tmp_path, "migrate")
    assert again.returncode == 0, again.stderr
    assert re.search(r"database at revision \d+", again.stderr), again.stderr
    assert "bank:" not in again.stdout  # the starter bank is not imported over HR's edits
    # with the schema in place the worker starts (and --burst ends it)
    worker = entrypoint(tmp_path, "worker", "--burst")
    assert worker.returncode == 0 and re.search(r"ran \d+ jobs", worker.stdout), worker.stderr


def test_any_other_command_runs_as_given(tmp_path):
    given = entrypoint(tmp_path, "echo", "as", "given")
    assert given.returncode == 0 and given.stdout == "as given\n"
