"""two-factor login: TOTP factors, recovery codes, the requirement per role

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 02:45:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString
import hiring.models  # noqa: F401 - autogenerate writes hiring.models.UTCDateTime


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('totpfactor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', hiring.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_step', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('totpfactor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_totpfactor_user_id'), ['user_id'], unique=True)

    op.create_table('recoverycode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('used_at', hiring.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    with op.batch_alter_table('recoverycode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recoverycode_user_id'), ['user_id'], unique=False)

    op.create_table('twofactorrequirement',
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('required_at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('required_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['required_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('role')
    )


def downgrade() -> None:
    op.drop_table('twofactorrequirement')
    op.drop_table('recoverycode')
    op.drop_table('totpfactor')
