"""greenhouse tests: invitations Greenhouse's Assessment Partner API asked for, with the
address it is told at when the attempt is complete

Revision ID: 0029
Revises: 0026
Create Date: 2026-12-07 06:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString
import hiring.models  # noqa: F401 - autogenerate writes hiring.models.UTCDateTime


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('greenhousetest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('api_key_id', sa.Integer(), nullable=False),
    sa.Column('partner_test_id', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('callback_url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('callback_state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('callback_tries', sa.JSON(), nullable=True),
    sa.Column('created_at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['api_key_id'], ['apikey.id'], ),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('greenhousetest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_greenhousetest_attempt_id'), ['attempt_id'],
                              unique=True)


def downgrade() -> None:
    with op.batch_alter_table('greenhousetest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_greenhousetest_attempt_id'))
    op.drop_table('greenhousetest')
