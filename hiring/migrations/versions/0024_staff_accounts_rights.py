"""staff accounts and rights: invitations and password resets, deactivation, last login,
interviewers assigned to assessments

Every existing interviewer is assigned to every existing assessment, so that nothing an
interviewer could see before the upgrade disappears; from then on HR assigns them.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 03:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString
import hiring.models  # noqa: F401 - autogenerate writes hiring.models.UTCDateTime


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
        batch_op.add_column(sa.Column('last_login_at', hiring.models.UTCDateTime(timezone=True),
                                      nullable=True))
    op.create_table('accounttoken',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', hiring.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('accounttoken', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounttoken_token_hash'), ['token_hash'],
                              unique=True)
        batch_op.create_index(batch_op.f('ix_accounttoken_user_id'), ['user_id'], unique=False)
    op.create_table('assessmentinterviewer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assessment_id', 'user_id')
    )
    with op.batch_alter_table('assessmentinterviewer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessmentinterviewer_assessment_id'),
                              ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessmentinterviewer_user_id'), ['user_id'],
                              unique=False)
    # Existing interviewers keep seeing what they saw (see the README, "Staff accounts").
    op.execute(
        "INSERT INTO assessmentinterviewer (assessment_id, user_id) "
        "SELECT assessment.id, \"user\".id FROM assessment, \"user\" "
        "WHERE \"user\".role = 'interviewer'")


def downgrade() -> None:
    with op.batch_alter_table('assessmentinterviewer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessmentinterviewer_user_id'))
        batch_op.drop_index(batch_op.f('ix_assessmentinterviewer_assessment_id'))
    op.drop_table('assessmentinterviewer')
    with op.batch_alter_table('accounttoken', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounttoken_user_id'))
        batch_op.drop_index(batch_op.f('ix_accounttoken_token_hash'))
    op.drop_table('accounttoken')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('last_login_at')
        batch_op.drop_column('active')
