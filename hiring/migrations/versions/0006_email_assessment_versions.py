"""email, assessment versions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 03:34:04.355033
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString
import hiring.models  # noqa: F401 - autogenerate writes hiring.models.UTCDateTime


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('emailtemplate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=20000), nullable=False),
    sa.Column('updated_at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'language')
    )
    op.create_table('emailmessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('outbox_file', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('created_at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', hiring.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('emailmessage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_emailmessage_attempt_id'), ['attempt_id'], unique=False)

    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('languages', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.add_column(sa.Column('replaced_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=254),
                                      nullable=False, server_default='import'))
        batch_op.create_foreign_key('fk_assessment_replaced_by', 'assessment', ['replaced_by_id'], ['id'])

    # Imports made a new row per changed recipe with the same key: number them as versions
    # in the order they were made, and point each at the next, before versions are unique.
    op.execute("UPDATE assessment SET version = (SELECT COUNT(*) FROM assessment AS a2"
               " WHERE a2.bank_id = assessment.bank_id AND a2.key = assessment.key"
               " AND a2.id <= assessment.id) WHERE key IS NOT NULL")
    op.execute("UPDATE assessment SET replaced_by_id = (SELECT MIN(a2.id) FROM assessment AS a2"
               " WHERE a2.bank_id = assessment.bank_id AND a2.key = assessment.key"
               " AND a2.id > assessment.id) WHERE key IS NOT NULL")
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_assessment_version', ['bank_id', 'key', 'version'])

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invited_at', hiring.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reminded_at', hiring.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', hiring.models.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('invited_at')

    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_constraint('uq_assessment_version', type_='unique')
        batch_op.drop_constraint('fk_assessment_replaced_by', type_='foreignkey')
        batch_op.drop_column('created_by')
        batch_op.drop_column('replaced_by_id')
        batch_op.drop_column('version')
        batch_op.drop_column('languages')

    with op.batch_alter_table('emailmessage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_emailmessage_attempt_id'))

    op.drop_table('emailmessage')
    op.drop_table('emailtemplate')
