"""the whole domain as known now

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('iro', 'manager', 'admin', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handback_pin_hash', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_table('child',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('preferred_name', sa.String(length=80), nullable=False),
    sa.Column('case_reference', sa.String(length=40), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('age_years', sa.Integer(), nullable=True),
    sa.Column('preferred_language', sa.String(length=16), nullable=False),
    sa.Column('communication_needs', sa.String(length=1000), nullable=False),
    sa.Column('iro_id', sa.Integer(), nullable=True),
    sa.Column('cared_for', sa.Boolean(), nullable=False),
    sa.Column('cared_for_since', sa.Date(), nullable=True),
    sa.Column('on_cp_plan', sa.Boolean(), nullable=False),
    sa.Column('cp_plan_since', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['iro_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_reference')
    )
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_iro_id'), ['iro_id'], unique=False)

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('cared_for', 'cp_conference', name='reviewkind', native_enum=False, length=32), nullable=False),
    sa.Column('stage', sa.Enum('initial', 'second', 'subsequent', 'initial_conference', 'review_conference', 'transfer_in', name='reviewstage', native_enum=False, length=32), nullable=False),
    sa.Column('scheduled_for', sa.Date(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('scheduled', 'held', 'cancelled', name='reviewstatus', native_enum=False, length=32), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=True),
    sa.Column('format_used', sa.Enum('face_to_face', 'virtual', 'hybrid', name='meetingformat', native_enum=False, length=32), nullable=True),
    sa.Column('chaired_by', sa.Enum('iro', 'child', 'child_and_iro', 'social_worker', name='chairrole', native_enum=False, length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chair_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_chair_id'), ['chair_id'], unique=False)
        batch_op.create_index('ix_review_child_date', ['child_id', 'scheduled_for'], unique=False)

    op.create_table('feedback_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('max_responses', sa.Integer(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token')
    )
    with op.batch_alter_table('feedback_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_link_review_id'), ['review_id'], unique=False)

    op.create_table('visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('iro_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'done', 'declined', name='visitstatus', native_enum=False, length=32), nullable=False),
    sa.Column('planned_for', sa.Date(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('method', sa.Enum('face_to_face', 'video_call', 'phone', name='visitmethod', native_enum=False, length=32), nullable=True),
    sa.Column('declined_reason', sa.String(length=1000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['iro_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_iro_id'), ['iro_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_review_id'), ['review_id'], unique=False)

    op.create_table('parent_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.Enum('online', 'paper', name='responsesource', native_enum=False, length=32), nullable=False),
    sa.Column('q1', sa.String(length=32), nullable=True),
    sa.Column('q2', sa.String(length=32), nullable=True),
    sa.Column('q3', sa.String(length=32), nullable=True),
    sa.Column('q4', sa.String(length=32), nullable=True),
    sa.Column('q5', sa.String(length=32), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['entered_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['link_id'], ['feedback_link.id'], ),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('submission_key')
    )
    with op.batch_alter_table('parent_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parent_response_link_id'), ['link_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parent_response_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parent_response_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Enum('younger', 'older', name='flowversion', native_enum=False, length=32), nullable=False),
    sa.Column('parts', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('scribed', sa.Boolean(), nullable=False),
    sa.Column('scribe_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.Enum('finished', 'stopped', name='statementend', native_enum=False, length=32), nullable=True),
    sa.Column('sharing', sa.Enum('meeting', 'iro_only', name='sharing', native_enum=False, length=32), nullable=True),
    sa.Column('iro_notes', sa.Text(), server_default='', nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('meeting_release_by_id', sa.Integer(), nullable=True),
    sa.Column('meeting_release_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['meeting_release_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['scribe_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_started_at'), ['started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_visit_id'), ['visit_id'], unique=False)

    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=64), nullable=False),
    sa.Column('scale', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('scribed', sa.Boolean(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('statement_id', 'question_id', name='uq_answer_question')
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_statement_id'), ['statement_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=48), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=True),
    sa.Column('statement_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_child_id'), ['child_id'], unique=False)

    op.create_table('child_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=64), nullable=False),
    sa.Column('we_did', sa.Text(), nullable=False),
    sa.Column('written_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('shown_to_child_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.ForeignKeyConstraint(['written_by_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('statement_id', 'question_id', name='uq_response_question')
    )
    with op.batch_alter_table('child_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_response_statement_id'), ['statement_id'], unique=False)

    op.create_table('handover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_statement_id'), ['statement_id'], unique=False)

    op.create_table('menu_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.Enum('agreed', 'not_possible', name='decisionoutcome', native_enum=False, length=32), nullable=False),
    sa.Column('reason_for_child', sa.Text(), server_default='', nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('statement_id', 'item_id', name='uq_menu_decision_item')
    )
    with op.batch_alter_table('menu_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_menu_decision_statement_id'), ['statement_id'], unique=False)

    op.create_table('answer_choice',
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('choice_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('answer_id', 'choice_id')
    )



def downgrade() -> None:

    op.drop_table('answer_choice')
    with op.batch_alter_table('menu_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_menu_decision_statement_id'))

    op.drop_table('menu_decision')
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_statement_id'))

    op.drop_table('handover')
    with op.batch_alter_table('child_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_response_statement_id'))

    op.drop_table('child_response')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_child_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_statement_id'))

    op.drop_table('answer')
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_visit_id'))
        batch_op.drop_index(batch_op.f('ix_statement_started_at'))
        batch_op.drop_index(batch_op.f('ix_statement_child_id'))

    op.drop_table('statement')
    with op.batch_alter_table('parent_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parent_response_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_parent_response_review_id'))
        batch_op.drop_index(batch_op.f('ix_parent_response_link_id'))

    op.drop_table('parent_response')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_review_id'))
        batch_op.drop_index(batch_op.f('ix_visit_iro_id'))

    op.drop_table('visit')
    with op.batch_alter_table('feedback_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_link_review_id'))

    op.drop_table('feedback_link')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index('ix_review_child_date')
        batch_op.drop_index(batch_op.f('ix_review_chair_id'))

    op.drop_table('review')
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_iro_id'))

    op.drop_table('child')
    op.drop_table('staff_user')

