"""i17: what the IRO did about answers needing attention; IRO profiles, the service's contact
details and the dates children were given their introduction letter; the held review a statement's
after-the-meeting answers are about

Revision ID: i17_0005
Revises: staff_0004
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = 'i17_0005'
down_revision = 'i15_0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attention_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('statement_id', 'question_id', name='uq_attention_action_question')
    )
    with op.batch_alter_table('attention_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attention_action_statement_id'), ['statement_id'], unique=False)

    op.create_table('iro_profile',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=60), nullable=False),
    sa.Column('about', sa.Text(), server_default='', nullable=False),
    sa.Column('about_translations', sa.JSON(), server_default='{}', nullable=False),
    sa.Column('symbol', sa.String(length=64), nullable=False),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('staff_id')
    )
    op.create_table('service_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('text', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('intro_letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('iro_id', sa.Integer(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['iro_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('intro_letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intro_letter_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_intro_letter_given_on'), ['given_on'], unique=False)

    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('about_review_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_statement_about_review_id_review', 'review', ['about_review_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_constraint('fk_statement_about_review_id_review', type_='foreignkey')
        batch_op.drop_column('about_review_id')
    with op.batch_alter_table('intro_letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intro_letter_given_on'))
        batch_op.drop_index(batch_op.f('ix_intro_letter_child_id'))
    op.drop_table('intro_letter')
    op.drop_table('service_contact')
    op.drop_table('iro_profile')
    with op.batch_alter_table('attention_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attention_action_statement_id'))
    op.drop_table('attention_action')
