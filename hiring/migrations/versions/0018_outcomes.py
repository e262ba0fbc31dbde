"""job outcomes per attempt, for criterion validity

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 01:50:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString
import hiring.models  # noqa: F401 - autogenerate writes hiring.models.UTCDateTime


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=True),
    sa.Column('imported_at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('attempt_id', 'name')
    )
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_attempt_id'), ['attempt_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_attempt_id'))
    op.drop_table('outcome')
