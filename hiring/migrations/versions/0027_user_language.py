"""user language: each staff member chooses the language of their pages and e-mail

NULL (every existing account) keeps the browser's language, as before.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 05:15:00
"""
from alembic import op
import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401 - autogenerate writes sqlmodel.sql.sqltypes.AutoString


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=10),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('language')
