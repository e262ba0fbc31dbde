"""attempt results partial indexes: the attempts scored before scales and the closed
attempts without answers are found along indexes that hold only them

Revision ID: 0030
Revises: 0026
Create Date: 2026-12-07 05:20:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString



revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

# hiring.models.RESULTS_CONDITIONS as of this revision: a query uses a partial index only
# when it states the index's condition as written.
INDEXES = {
    "ix_attempt_without_scales": {
        "sqlite": "json_extract(results, '$.scales') IS NULL",
        "postgresql": "(results ->> 'scales') IS NULL"},
    "ix_attempt_no_answers": {
        "sqlite": "json_extract(results, '$.n_items') > 0 AND "
                  "json_extract(results, '$.n_unanswered') = "
                  "json_extract(results, '$.n_items')",
        "postgresql": "CAST((results ->> 'n_items') AS INTEGER) > 0 AND "
                      "CAST((results ->> 'n_unanswered') AS INTEGER) = "
                      "CAST((results ->> 'n_items') AS INTEGER)"},
}


def upgrade() -> None:
    for name, conditions in INDEXES.items():
        op.create_index(name, 'attempt', ['assessment_id', 'state'], unique=False,
                        **{f"{dialect}_where": sa.text(condition)
                           for dialect, condition in conditions.items()})


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name='attempt')
