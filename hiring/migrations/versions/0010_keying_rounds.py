"""keying rounds: rounds, their items, experts and ratings; e-mails to experts

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 19:30:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString
import hiring.models  # noqa: F401 - autogenerate writes hiring.models.UTCDateTime


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('keyinground',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bank_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('created_at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', hiring.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['bank_id'], ['bank.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('keyinground', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keyinground_bank_id'), ['bank_id'], unique=False)

    op.create_table('keyingexpert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('invited_at', hiring.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('started_at', hiring.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', hiring.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['keyinground.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('keyingexpert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keyingexpert_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_keyingexpert_token_hash'), ['token_hash'], unique=True)

    op.create_table('keyingitem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], ),
    sa.ForeignKeyConstraint(['revision_id'], ['itemrevision.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['keyinground.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('round_id', 'item_id')
    )
    with op.batch_alter_table('keyingitem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keyingitem_round_id'), ['round_id'], unique=False)

    op.create_table('keyingrating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('saved_at', hiring.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['keyingexpert.id'], ),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], ),
    sa.ForeignKeyConstraint(['revision_id'], ['itemrevision.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('expert_id', 'item_id', 'option_id')
    )
    with op.batch_alter_table('keyingrating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keyingrating_expert_id'), ['expert_id'], unique=False)

    with op.batch_alter_table('emailmessage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expert_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_emailmessage_expert_id'), ['expert_id'], unique=False)
        batch_op.create_foreign_key('fk_emailmessage_expert', 'keyingexpert', ['expert_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('emailmessage', schema=None) as batch_op:
        batch_op.drop_constraint('fk_emailmessage_expert', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_emailmessage_expert_id'))
        batch_op.drop_column('expert_id')

    with op.batch_alter_table('keyingrating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_keyingrating_expert_id'))

    op.drop_table('keyingrating')
    with op.batch_alter_table('keyingitem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_keyingitem_round_id'))

    op.drop_table('keyingitem')
    with op.batch_alter_table('keyingexpert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_keyingexpert_token_hash'))
        batch_op.drop_index(batch_op.f('ix_keyingexpert_round_id'))

    op.drop_table('keyingexpert')
    with op.batch_alter_table('keyinground', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_keyinground_bank_id'))

    op.drop_table('keyinground')
