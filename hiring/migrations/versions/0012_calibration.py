"""calibration answers and calibration ratings

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 10:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString
import hiring.models  # noqa: F401 - autogenerate writes hiring.models.UTCDateTime


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calibrationanswer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=False),
    sa.Column('agreed', sa.JSON(), nullable=False),
    sa.Column('explanation', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('created_at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], ),
    sa.ForeignKeyConstraint(['revision_id'], ['itemrevision.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_calibrationanswer_item_id'), 'calibrationanswer', ['item_id'],
                    unique=False)
    op.create_table('calibrationrating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('rater_id', sa.Integer(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('created_at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['calibrationanswer.id'], ),
    sa.ForeignKeyConstraint(['rater_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('answer_id', 'rater_id')
    )
    op.create_index(op.f('ix_calibrationrating_answer_id'), 'calibrationrating',
                    ['answer_id'], unique=False)
    op.create_index(op.f('ix_calibrationrating_rater_id'), 'calibrationrating',
                    ['rater_id'], unique=False)


def downgrade() -> None:
    op.drop_table('calibrationrating')
    op.drop_table('calibrationanswer')
