"""matching: embeddings stored with passports and vacancies, the organisation's catalogue version

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 00:20:00

Passports and vacancies coded before this revision have no embedding: they are set back to
``pending`` so that the service codes them again (passports on next read or at start-up,
vacancies by the upload worker).
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('catalogue_version', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('passport', schema=None) as batch_op:
        batch_op.add_column(sa.Column('embedding', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('vacancy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('embedding', sa.LargeBinary(), nullable=True))
    op.execute("UPDATE passport SET coding_status = 'pending' WHERE coding_status = 'coded'")
    op.execute("UPDATE vacancy SET coding_status = 'pending' WHERE coding_status = 'coded'")


def downgrade() -> None:
    with op.batch_alter_table('vacancy', schema=None) as batch_op:
        batch_op.drop_column('embedding')
    with op.batch_alter_table('passport', schema=None) as batch_op:
        batch_op.drop_column('embedding')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('catalogue_version')
