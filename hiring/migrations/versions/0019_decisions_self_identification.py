"""hiring decisions after the assessment, and voluntary self-identification

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
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision', sqlmodel.sql.sqltypes.AutoString(length=50),
                                      nullable=True))
        batch_op.create_index('ix_attempt_assessment_decision', ['assessment_id', 'decision'],
                              unique=False)
    op.create_table('decisionstage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assessment_id', 'key')
    )
    with op.batch_alter_table('decisionstage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisionstage_assessment_id'), ['assessment_id'],
                              unique=False)
    op.create_table('decisionchange',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('from_key', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
    sa.Column('to_key', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('decisionchange', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisionchange_attempt_id'), ['attempt_id'],
                              unique=False)
    op.create_table('selfidentification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('question', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('recorded_at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('attempt_id', 'question')
    )
    with op.batch_alter_table('selfidentification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selfidentification_attempt_id'), ['attempt_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('selfidentification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_selfidentification_attempt_id'))
    op.drop_table('selfidentification')
    with op.batch_alter_table('decisionchange', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisionchange_attempt_id'))
    op.drop_table('decisionchange')
    with op.batch_alter_table('decisionstage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisionstage_assessment_id'))
    op.drop_table('decisionstage')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_assessment_decision')
        batch_op.drop_column('decision')
