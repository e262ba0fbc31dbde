"""kept aggregates: attempts' last activity and scoring time, figures per assessment

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 23:30:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString
import hiring.models  # noqa: F401 - autogenerate writes hiring.models.UTCDateTime


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_activity_at', hiring.models.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('scored_at', hiring.models.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('ix_attempt_assessment_activity',
                              ['assessment_id', 'last_activity_at'], unique=False)
    # The latest moment of each attempt so far, as the pipeline computed it (its saves from
    # the responses); attempts closed so far were scored when they were submitted.
    if op.get_bind().dialect.name == "postgresql":  # GREATEST leaves NULLs out
        op.execute(
            "UPDATE attempt SET last_activity_at = GREATEST(created_at, invited_at,"
            " reminded_at, started_at, submitted_at, (SELECT max(response.saved_at)"
            " FROM response WHERE response.attempt_id = attempt.id))")
    else:  # SQLite's max() of several is NULL when one is
        op.execute(
            "UPDATE attempt SET last_activity_at = max(created_at,"
            " coalesce(invited_at, created_at), coalesce(reminded_at, created_at),"
            " coalesce(started_at, created_at), coalesce(submitted_at, created_at),"
            " coalesce((SELECT max(response.saved_at) FROM response"
            " WHERE response.attempt_id = attempt.id), created_at))")
    op.execute("UPDATE attempt SET scored_at = submitted_at"
               " WHERE state IN ('submitted', 'scored')")
    op.create_table('aggregate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('n_attempts', sa.Integer(), nullable=False),
    sa.Column('last_scored_at', hiring.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('computed_at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assessment_id', 'kind')
    )


def downgrade() -> None:
    op.drop_table('aggregate')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_assessment_activity')
        batch_op.drop_column('scored_at')
        batch_op.drop_column('last_activity_at')
