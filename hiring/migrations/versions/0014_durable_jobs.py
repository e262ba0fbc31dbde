"""durable jobs: leases and retries in the job table, mail retries

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 22:20:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString
import hiring.models  # noqa: F401 - autogenerate writes hiring.models.UTCDateTime


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('run_after', hiring.models.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('lease_owner',
                                      sqlmodel.sql.sqltypes.AutoString(length=100),
                                      nullable=True))
        batch_op.add_column(sa.Column('lease_expires_at',
                                      hiring.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=100),
                                      nullable=True))
        batch_op.create_index(batch_op.f('ix_job_state'), ['state'], unique=False)
        batch_op.create_unique_constraint('uq_job_key', ['key'])
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.alter_column('attempts', server_default=None)
    with op.batch_alter_table('emailmessage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tries', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('next_try_at', hiring.models.UTCDateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('emailmessage', schema=None) as batch_op:
        batch_op.alter_column('tries', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('emailmessage', schema=None) as batch_op:
        batch_op.drop_column('next_try_at')
        batch_op.drop_column('tries')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_constraint('uq_job_key', type_='unique')
        batch_op.drop_index(batch_op.f('ix_job_state'))
        batch_op.drop_column('key')
        batch_op.drop_column('lease_expires_at')
        batch_op.drop_column('lease_owner')
        batch_op.drop_column('run_after')
        batch_op.drop_column('attempts')
