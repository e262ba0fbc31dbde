"""feedback release: an attempt's feedback report released to its candidate

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 02:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString
import hiring.models  # noqa: F401 - autogenerate writes hiring.models.UTCDateTime


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feedbackrelease',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('released_at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('released_by', sa.Integer(), nullable=True),
    sa.Column('expires_at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', hiring.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sends', sa.Integer(), nullable=False),
    sa.Column('opened_at', hiring.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ),
    sa.ForeignKeyConstraint(['released_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('feedbackrelease', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedbackrelease_attempt_id'), ['attempt_id'],
                              unique=True)
        batch_op.create_index(batch_op.f('ix_feedbackrelease_token_hash'), ['token_hash'],
                              unique=True)


def downgrade() -> None:
    with op.batch_alter_table('feedbackrelease', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedbackrelease_token_hash'))
        batch_op.drop_index(batch_op.f('ix_feedbackrelease_attempt_id'))
    op.drop_table('feedbackrelease')
