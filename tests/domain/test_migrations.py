"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from hiring import migrate


def test_models_and_migrations_agree(app):
    engine = app.extensions["hiring.engine"]
    assert migrate.current(engine) is not None
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_upgrading_a_database_with_attempts_keeps_them(tmp_path):
    """Later migrations run on a database full of data (SQLite copies tables to alter them)."""
    from sqlalchemy import text

    from hiring.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    migrate.upgrade(engine, "0002")
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        run("INSERT INTO bank (id, slug, version, title, languages, dimensions, source_name,"
            " imported_at) VALUES (1, 'b', 1, '{}', '[\"en\"]', '{}', 'b.yaml', '2026-01-01')")
        run("INSERT INTO item (id, bank_id, key, type, dimension, current_revision, retired)"
            " VALUES (1, 1, 'i', 'sjt', 'composure', 1, 0)")
        run("INSERT INTO itemrevision (id, item_id, number, content, content_hash, created_at,"
            " created_by) VALUES (1, 1, 1, '{}', 'h', '2026-01-01', 'import')")
        run("INSERT INTO assessment (id, bank_id, name, language, time_limit_minutes,"
            " grace_seconds, shuffle, sections, created_at) VALUES (1, 1, 'A', 'en', 30, 60,"
            " 1, '[]', '2026-01-01')")
        # an import made a second row for a changed recipe: versions 1 and 2 after 0006
        run("INSERT INTO assessment (id, bank_id, key, name, language, time_limit_minutes,"
            " grace_seconds, shuffle, sections, created_at) VALUES (2, 1, 'csr', 'A', 'en',"
            " 30, 60, 1, '[]', '2026-01-01'), (3, 1, 'csr', 'A', 'en', 40, 60, 1, '[]',"
            " '2026-01-02')")
        run("INSERT INTO attempt (id, assessment_id, candidate_name, candidate_email,"
            " token_hash, state, language, seed, created_at, expires_at, current_position,"
            " extra_minutes) VALUES (1, 1, 'Ana', 'a@example.com', 'h', 'in_progress', 'en',"
            " 7, '2026-01-01', '2026-02-01', 1, 0)")
        run("INSERT INTO response (id, attempt_id, position, section, revision_id, answer,"
            " client_seq, time_spent_ms) VALUES (1, 1, 1, '', 1, '{\"best\": \"a\"}', 3, 0)")
    migrate.upgrade(engine)
    with engine.connect() as connection:
        row = connection.execute(text(
            "SELECT r.answer, r.client_seq, r.paste_count, a.focus_losses FROM response r"
            " JOIN attempt a ON a.id = r.attempt_id")).one()
        assert tuple(row) == ('{"best": "a"}', 3, 0, 0)
        versions = connection.execute(text(
            "SELECT id, version, replaced_by_id FROM assessment ORDER BY id")).all()
        assert [tuple(v) for v in versions] == [(1, 1, None), (2, 1, 3), (3, 2, None)]
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_attempts_closed_before_ended_by_get_what_their_times_tell(tmp_path):
    from sqlalchemy import text

    from hiring.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    migrate.upgrade(engine, "0013")
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        run("INSERT INTO bank (id, slug, version, title, languages, dimensions, source_name,"
            " imported_at) VALUES (1, 'b', 1, '{}', '[\"en\"]', '{}', 'b.yaml', '2026-01-01')")
        run("INSERT INTO assessment (id, bank_id, name, language, time_limit_minutes,"
            " grace_seconds, shuffle, sections, created_at, version) VALUES (1, 1, 'A', 'en',"
            " 30, 60, 1, '[]', '2026-01-01', 1)")
        for attempt_id, state, submitted, revoked in (
                (1, "scored", "2026-01-01 09:10:00.000000", None),
                (2, "scored", "2026-01-01 09:31:00.000000", None),
                (3, "submitted", "2026-01-01 09:05:00.000000", "2026-01-01 09:05:00.000000"),
                (4, "in_progress", None, None)):
            run("INSERT INTO attempt (id, assessment_id, candidate_name, candidate_email,"
                " token_hash, state, language, seed, created_at, expires_at, started_at,"
                " deadline_at, submitted_at, revoked_at, current_position, extra_minutes)"
                " VALUES (?, 1, 'Ana', 'a@example.com', ?, ?, 'en', 7, '2026-01-01',"
                " '2026-02-01', '2026-01-01 09:00:00.000000', '2026-01-01 09:30:00.000000',"
                " ?, ?, 1, 0)", (attempt_id, f"h{attempt_id}", state, submitted, revoked))
    migrate.upgrade(engine)
    with engine.connect() as connection:
        ended = connection.execute(text("SELECT ended_by FROM attempt ORDER BY id")).scalars()
        assert list(ended) == ["candidate", "deadline", "cancelled", None]
    engine.dispose()


def test_existing_interviewers_keep_seeing_every_existing_assessment(tmp_path):
    """0024 assigns every interviewer to every assessment there was; users stay active."""
    from sqlalchemy import text

    from hiring.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    migrate.upgrade(engine, "0023")
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        run("INSERT INTO bank (id, slug, version, title, languages, dimensions, source_name,"
            " imported_at) VALUES (1, 'b', 1, '{}', '[\"en\"]', '{}', 'b.yaml', '2026-01-01')")
        run("INSERT INTO assessment (id, bank_id, name, language, time_limit_minutes,"
            " grace_seconds, shuffle, sections, created_at, version) VALUES (1, 1, 'A', 'en',"
            " 30, 60, 1, '[]', '2026-01-01', 1), (2, 1, 'B', 'en', 30, 60, 1, '[]',"
            " '2026-01-01', 1)")
        run("INSERT INTO user (id, email, name, role, password_hash, created_at) VALUES"
            " (1, 'hr@example.com', 'H', 'hr', 'x', '2026-01-01'),"
            " (2, 'i@example.com', 'I', 'interviewer', 'x', '2026-01-01')")
    migrate.upgrade(engine)
    with engine.connect() as connection:
        pairs = connection.execute(text(
            "SELECT assessment_id, user_id FROM assessmentinterviewer ORDER BY 1")).all()
        assert [tuple(p) for p in pairs] == [(1, 2), (2, 2)]
        active = connection.execute(text("SELECT active FROM user ORDER BY id")).all()
        assert [tuple(a) for a in active] == [(1,), (1,)]
    engine.dispose()
