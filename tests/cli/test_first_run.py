"""A newcomer's first run: the help, the demo, the links it prints and `hiring serve`."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlmodel import select

import hiring.serve
from hiring.assessment import engine
from hiring.cli import main
from hiring.models import Attempt, AttemptState

EVERY_ADDRESS = "0.0.0.0"  # noqa: S104 - what a LAN server binds to


def run(runner, *args):
    return runner.invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def served(monkeypatch):
    """Record what `hiring serve` would run gunicorn with, instead of running it."""
    calls = []
    monkeypatch.setattr(hiring.serve, "run", lambda **options: calls.append(options))
    return calls


def test_help_shows_hiring_commands_without_flasks_generic_options(runner):
    result = run(runner, "--help")
    assert result.exit_code == 0, result.output
    assert "demo" in result.output and "serve" in result.output
    for option in ("--app", "--env-file", "--debug", "-A,", "-e,"):
        assert option not in result.output
    refused = runner.invoke(main, ["--app", "elsewhere:app", "init"])
    assert refused.exit_code == 2 and "No such option '--app'" in refused.output


def test_demo_twice_keeps_one_demo_invitation_with_a_new_link(runner, db):
    first = run(runner, "demo", "--no-serve")
    second = run(runner, "demo", "--no-serve")
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    links = [re.search(r"Candidate invitation: http://127\.0\.0\.1:5000/a/(\S+)",
                       result.output)[1] for result in (first, second)]
    assert links[0] != links[1]
    with db() as session:
        demo = session.exec(select(Attempt).where(
            Attempt.candidate_email == "dana.demo@example.com")).all()
        assert len(demo) == 1
        assert engine.find_by_token(links[0], session=session) is None  # the old link
        assert engine.find_by_token(links[1], session=session).id == demo[0].id


def test_demo_invites_again_once_its_invitation_was_started(runner, db):
    first = run(runner, "demo", "--no-serve")
    token = re.search(r"/a/(\S+)", first.output)[1]
    with db() as session:
        engine.find_by_token(token, session=session).state = AttemptState.IN_PROGRESS
    second = run(runner, "demo", "--no-serve")
    assert second.exit_code == 0, second.output
    with db() as session:
        states = session.exec(select(Attempt.state).where(
            Attempt.candidate_email == "dana.demo@example.com").order_by(Attempt.id)).all()
        assert states == [AttemptState.IN_PROGRESS, AttemptState.INVITED]
        # The started attempt keeps its link: the candidate's open page goes on working.
        assert engine.find_by_token(token, session=session) is not None


def test_demo_without_serving_prints_links_for_the_port_and_how_to_serve_them(runner):
    result = run(runner, "demo", "--no-serve", "--port", "8001")
    assert result.exit_code == 0, result.output
    assert re.search(r"Candidate invitation: http://127\.0\.0\.1:8001/a/\S+", result.output)
    assert "Staff login:          http://127.0.0.1:8001/login" in result.output
    assert "hiring serve --port 8001\n" in result.output
    default = run(runner, "demo", "--no-serve")
    assert default.output.rstrip().endswith("HIRING_DEVELOPMENT=1 hiring serve")


def test_serve_says_address_mode_cookies_and_mail_in_one_line(runner, served, app):
    result = run(runner, "serve", "--host", EVERY_ADDRESS, "--port", "8123")
    assert result.exit_code == 0, result.output
    outbox = f"{app.instance_path}/outbox"
    line = (f"serving on http://{EVERY_ADDRESS}:8123; plain http; session cookie not "
            f"Secure, no HSTS; mail written to {outbox} (no MAIL_SMTP_HOST)")
    assert line in result.output.splitlines()
    assert "Staff login: http://127.0.0.1:8123/login" in result.output
    assert served == [{"host": EVERY_ADDRESS, "port": 8123, "workers": None}]


def test_demo_serves_on_the_port_of_the_links_it_printed(runner, served, app, monkeypatch,
                                                        tmp_path):
    # The demo serves a fresh app configured from the environment, as gunicorn's are.
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("HIRING_INSTANCE", app.instance_path)
    monkeypatch.setenv("HIRING_DEVELOPMENT", "")
    monkeypatch.delenv("HIRING_DEVELOPMENT")
    result = run(runner, "demo", "--port", "8124")
    assert result.exit_code == 0, result.output
    assert re.search(r"Candidate invitation: http://127\.0\.0\.1:8124/a/\S+", result.output)
    assert ("serving on http://127.0.0.1:8124; plain http for development; "
            "session cookie not Secure, no HSTS") in result.output
    assert served == [{"host": "127.0.0.1", "port": 8124, "workers": None}]


def test_a_setting_that_does_not_fit_stops_the_command_and_creates_nothing(tmp_path):
    instance = tmp_path / "instance"
    result = CliRunner().invoke(main, ["init"], env={
        "HIRING_INSTANCE": str(instance), "HIRING_INVITATION_DAYS": "soon",
        "DATABASE_URL": "", "HIRING_DATABASE_URL": ""})
    assert result.exit_code == 1
    assert "error: HIRING_INVITATION_DAYS: expected a whole number, not 'soon'" in result.output
    assert not instance.exists()
