"""audit object time index: an object's events read in time order along one index

An API key's calls of the last minute (its rate limit, counted on every call) were read
along (object_type, object_id), which holds every call the key ever made; with the time
in the index the count reads only the last minute's entries. The old index is its prefix.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 04:40:00
"""
from alembic import op
import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.drop_index('ix_auditevent_object')
        batch_op.create_index('ix_auditevent_object', ['object_type', 'object_id', 'at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.drop_index('ix_auditevent_object')
        batch_op.create_index('ix_auditevent_object', ['object_type', 'object_id'],
                              unique=False)
